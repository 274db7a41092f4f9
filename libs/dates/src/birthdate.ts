import { frenchDayMonthYear, frenchMonth } from './french-dates.js';

/** A birth date as FranceConnect gives it; `null` for an unknown month or day (written 00). */
export interface Birthdate {
  year: number;
  month: number | null;
  day: number | null;
}

/** The earliest year accepted: nobody alive, or with a mandate, was born before. */
export const EARLIEST_BIRTH_YEAR = 1800;

export const BIRTHDATE_MESSAGE =
  'La date de naissance n’existe pas. Écrivez une vraie date : jour, mois et année (par exemple 17/03/1948).';

/**
 * FranceConnect's birthdate (`YYYY-MM-DD`, `YYYY-MM-00` for an unknown day, `YYYY-00-00` for an
 * unknown day and month), checked against the calendar: `2024-02-31`, `1899-13-00`, `1985-00-12`
 * and anything else are refused (null).
 */
export function parseBirthdate(value: unknown): Birthdate | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < EARLIEST_BIRTH_YEAR || month > 12 || (month === 0 && day !== 0)) return null;
  if (day !== 0 && day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return { year, month: month || null, day: day || null };
}

export const isBirthdate = (value: unknown): value is string => parseBirthdate(value) !== null;

/**
 * A birth date after « né(e) », in words: "le 14 juillet 1984", "en mars 1984", "en 1984". Never
 * throws: a value that is not a birth date (stored before it was checked) is shown as given.
 */
export function frenchBirthDate(value: string): string {
  const birthdate = parseBirthdate(value);
  if (!birthdate) return String(value ?? '').trim();
  const { year, month, day } = birthdate;
  if (month === null) return `en ${year}`;
  if (day === null) return `en ${frenchMonth(month)} ${year}`;
  return `le ${frenchDayMonthYear(year, month, day)}`;
}
