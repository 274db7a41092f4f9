import { frenchBirthDate, frenchDateTime, frenchPeriod } from './french-dates.js';

/** Tests compare words, not the no-break spaces that keep them together. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

describe('frenchDateTime', () => {
  it('writes a winter instant in Paris time (UTC+1)', () => {
    expect(plain(frenchDateTime(new Date('2026-11-24T16:12:00Z')))).toBe('24 novembre 2026 à 17 h 12');
  });

  it('writes a summer instant in Paris time (UTC+2)', () => {
    expect(plain(frenchDateTime(new Date('2027-07-14T07:05:00Z')))).toBe('14 juillet 2027 à 9 h 05');
  });

  it('says "1er" for the first day of a month and follows the Paris date across midnight', () => {
    // Given 23:30 UTC on the last day of a month, which is already the next day in Paris
    expect(plain(frenchDateTime(new Date('2027-02-28T23:30:00Z')))).toBe('1er mars 2027 à 0 h 30');
  });

  it('uses only spaces the standard PDF fonts can draw', () => {
    expect(frenchDateTime(new Date('2026-12-31T22:59:00Z'))).toMatch(/^[\p{L}\d à\u00a0]+$/u);
  });

  it('refuses an invalid date', () => {
    expect(() => frenchDateTime(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('frenchPeriod', () => {
  it('gives both ends of a mandate', () => {
    const period = frenchPeriod(new Date('2026-11-24T16:12:00Z'), new Date('2027-05-24T15:12:00Z'));
    expect(plain(period)).toBe('du 24 novembre 2026 à 17 h 12 au 24 mai 2027 à 17 h 12');
  });
});

describe('frenchBirthDate', () => {
  it('writes a birth date in words, with no time zone shift', () => {
    expect(plain(frenchBirthDate('1984-07-14'))).toBe('le 14 juillet 1984');
    expect(plain(frenchBirthDate('2000-08-01'))).toBe('le 1er août 2000');
  });

  it('writes what is known when FranceConnect gives 00 for an unknown day or month', () => {
    expect(frenchBirthDate('1985-00-00')).toBe('en 1985');
    expect(frenchBirthDate('1985-03-00')).toBe('en mars 1985');
  });

  it.each(['1984-02-30', '14/07/1984', '1984-7-14', '1984-13-00', '0000-00-00', ''])(
    'refuses "%s", which is not a birth date',
    (input) => {
      expect(() => frenchBirthDate(input)).toThrow(RangeError);
    },
  );
});
