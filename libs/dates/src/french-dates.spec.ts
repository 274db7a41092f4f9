import { frenchDate, frenchDateTime, frenchDay, frenchPeriod, frenchTime } from './french-dates.js';

/** Tests compare words, not the no-break spaces that keep them together. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

describe('frenchDate', () => {
  it('writes the day in Paris, not in UTC', () => {
    // Given 23:30 UTC on 28 February, already 1 March in Paris
    expect(plain(frenchDate(new Date('2027-02-28T23:30:00Z')))).toBe('1er mars 2027');
  });

  it('writes a summer day (UTC+2) one hour before midnight UTC as the next day', () => {
    expect(plain(frenchDate(new Date('2027-07-13T22:00:00Z')))).toBe('14 juillet 2027');
    expect(plain(frenchDate(new Date('2027-07-13T21:59:59Z')))).toBe('13 juillet 2027');
  });

  it('refuses an invalid date', () => {
    expect(() => frenchDate(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('frenchDateTime', () => {
  it('writes a winter instant in Paris time (UTC+1)', () => {
    expect(plain(frenchDateTime(new Date('2026-11-24T16:12:00Z')))).toBe('24 novembre 2026 à 17 h 12');
  });

  it('writes a summer instant in Paris time (UTC+2)', () => {
    expect(plain(frenchDateTime(new Date('2027-07-14T07:05:00Z')))).toBe('14 juillet 2027 à 9 h 05');
  });

  it('says "1er" for the first day of a month and follows the Paris date across midnight', () => {
    expect(plain(frenchDateTime(new Date('2027-02-28T23:30:00Z')))).toBe('1er mars 2027 à 0 h 30');
  });

  it('follows the clock change: 1:59 UTC+1 then 3:00 UTC+2 on the last Sunday of March', () => {
    expect(plain(frenchDateTime(new Date('2027-03-28T00:59:00Z')))).toBe('28 mars 2027 à 1 h 59');
    expect(plain(frenchDateTime(new Date('2027-03-28T01:00:00Z')))).toBe('28 mars 2027 à 3 h 00');
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

describe('frenchTime', () => {
  it('writes the time of day in Paris, winter and summer', () => {
    expect(plain(frenchTime(new Date('2026-11-24T16:12:00Z')))).toBe('17 h 12');
    expect(plain(frenchTime(new Date('2027-07-14T07:05:00Z')))).toBe('9 h 05');
  });
});

describe('frenchDay', () => {
  it('writes a calendar day given as YYYY-MM-DD, with « 1er »', () => {
    expect(plain(frenchDay('2026-12-01')!)).toBe('1er décembre 2026');
    expect(plain(frenchDay('2027-02-28')!)).toBe('28 février 2027');
  });

  it('returns null for what is not a calendar day', () => {
    expect(frenchDay('2027-02-29')).toBeNull();
    expect(frenchDay('2026-13-01')).toBeNull();
    expect(frenchDay('1er mars')).toBeNull();
  });
});
