import { frenchBirthDate, isBirthdate, parseBirthdate } from './birthdate.js';

const plain = (text: string) => text.replace(/\u00a0/g, ' ');

describe('parseBirthdate', () => {
  it('reads a full date', () => {
    expect(parseBirthdate('1984-07-14')).toEqual({ year: 1984, month: 7, day: 14 });
  });

  it('reads FranceConnect’s unknown day (YYYY-MM-00) and unknown day and month (YYYY-00-00)', () => {
    expect(parseBirthdate('1985-03-00')).toEqual({ year: 1985, month: 3, day: null });
    expect(parseBirthdate('1985-00-00')).toEqual({ year: 1985, month: null, day: null });
  });

  it.each(['2024-02-29', '2024-01-31', '2023-12-31', '2023-04-30', '1800-01-01', '1800-00-00'])(
    'accepts %s, the last (or first) day there is',
    (value) => {
      expect(isBirthdate(value)).toBe(true);
    },
  );

  it.each([
    ['2024-02-31', 'a day the month does not have'],
    ['2023-02-29', '29 February of a common year'],
    ['2023-04-31', '31 April'],
    ['1984-01-32', 'day 32'],
    ['1899-13-00', 'month 13'],
    ['1985-00-12', 'a known day in an unknown month'],
    ['1799-12-31', 'a year before 1800'],
    ['0000-00-00', 'year zero'],
    ['14/07/1984', 'another format'],
    ['1984-7-14', 'missing zeros'],
    [' 1984-07-14', 'surrounding space'],
    ['', 'nothing'],
  ])('refuses %s (%s)', (value) => {
    expect(parseBirthdate(value)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(parseBirthdate(19840714)).toBeNull();
    expect(parseBirthdate(null)).toBeNull();
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

  it.each(['2024-02-31', '1899-13-00', '14/07/1984'])('shows "%s" as given rather than throwing', (value) => {
    expect(frenchBirthDate(value)).toBe(value);
  });
});
