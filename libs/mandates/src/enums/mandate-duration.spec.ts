import { MandateDuration, mandateEnd } from './mandate-duration.enum.js';

describe('mandateEnd', () => {
  const start = new Date('2026-01-31T14:30:00.000Z');
  it.each([
    [MandateDuration.OneDay, '2026-02-01T14:30:00.000Z'],
    [MandateDuration.OneMonth, '2026-02-28T14:30:00.000Z'],
    [MandateDuration.SixMonths, '2026-07-31T14:30:00.000Z'],
    [MandateDuration.TwelveMonths, '2027-01-31T14:30:00.000Z'],
  ])('ends a mandate of %s started on 31 January at %s', (duration, expected) => {
    expect(mandateEnd(start, duration).toISOString()).toBe(expected);
  });

  it('keeps a leap day: twelve months from 29 February 2028 end on 28 February 2029', () => {
    expect(mandateEnd(new Date('2028-02-29T08:00:00Z'), MandateDuration.TwelveMonths).toISOString()).toBe(
      '2029-02-28T08:00:00.000Z',
    );
  });

  it('is never longer than twelve months', () => {
    for (const duration of Object.values(MandateDuration)) {
      const days = (mandateEnd(start, duration).getTime() - start.getTime()) / 86_400_000;
      expect(days).toBeLessThanOrEqual(366);
    }
  });
});
