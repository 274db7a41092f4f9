import { timeLeft } from './time-left.js';

describe('timeLeft', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const later = (days: number) => new Date(now.getTime() + days * 24 * 3600 * 1000);

  it('given an end three months away, when it is said, then it reads "dans 3 mois"', () => {
    expect(timeLeft(later(92), now)).toBe('dans 3 mois');
  });

  it('given an end tomorrow, when it is said, then it reads "demain"', () => {
    expect(timeLeft(later(1), now)).toBe('demain');
  });

  it('given an end twelve days away, when it is said, then it counts the days', () => {
    expect(timeLeft(later(12), now)).toBe('dans 12 jours');
  });

  it('given an end already past, when it is said, then there is nothing to say', () => {
    expect(timeLeft(later(-1), now)).toBeNull();
  });
});
