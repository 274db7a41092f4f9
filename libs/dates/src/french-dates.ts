const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** Keeps "24 novembre" and "17 h 12" on one line, on a page, in a PDF and in an email. */
export const NBSP = '\u00a0';

/** Numeric parts only: the words are ours, so no locale data can slip in narrow spaces. */
const PARIS_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** An invalid date is a caller bug: say so, without the value. */
function parisParts(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', number> {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('not a valid date');
  return Object.fromEntries(PARIS_CLOCK.formatToParts(date).map(({ type, value }) => [type, Number(value)])) as Record<
    'year' | 'month' | 'day' | 'hour' | 'minute',
    number
  >;
}

/** The month's name, 1 = "janvier". */
export function frenchMonth(month: number): string {
  return MONTHS[month - 1];
}

/** "1er mars 2027", "24 mai 2027": a calendar day in words. */
export function frenchDayMonthYear(year: number, month: number, day: number): string {
  return `${day === 1 ? '1er' : day}${NBSP}${frenchMonth(month)} ${year}`;
}

/** "24 mai 2027", the day in Paris. */
export function frenchDate(date: Date): string {
  const part = parisParts(date);
  return frenchDayMonthYear(part.year, part.month, part.day);
}

/** "24 novembre 2026 à 17 h 12", in Paris time. */
export function frenchDateTime(date: Date): string {
  const part = parisParts(date);
  return `${frenchDayMonthYear(part.year, part.month, part.day)} à ${clock(part)}`;
}

/** "17 h 12", the time of day in Paris. */
export function frenchTime(date: Date): string {
  return clock(parisParts(date));
}

/** "1er mars 2027" for a calendar day written `YYYY-MM-DD` (a day in Paris, as SQL gives it); null if it is not one. */
export function frenchDay(day: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = match.slice(1).map(Number);
  const check = new Date(Date.UTC(year, month - 1, date));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  return frenchDayMonthYear(year, month, date);
}

function clock(part: { hour: number; minute: number }): string {
  return `${part.hour}${NBSP}h${NBSP}${String(part.minute).padStart(2, '0')}`;
}

/** "du 24 novembre 2026 à 17 h 12 au 24 mai 2027 à 17 h 12". */
export function frenchPeriod(from: Date, until: Date): string {
  return `du ${frenchDateTime(from)} au ${frenchDateTime(until)}`;
}

/**
 * The day in Paris in another language, for a translation of the consent text: "24 May 2027"
 * (en), "24 مايو 2027" (ar), from the platform's locale data. French dates use `frenchDate`.
 */
export function dateInLanguage(date: Date, lang: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('not a valid date');
  return new Intl.DateTimeFormat(lang, { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' })
    .format(date)
    .replace(/[\u202f\u2009]/g, '\u00a0');
}
