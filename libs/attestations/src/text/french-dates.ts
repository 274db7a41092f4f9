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

/** Keeps "24 novembre" and "17 h 12" on one line. */
const NBSP = '\u00a0';

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

function dayMonthYear(year: number, month: number, day: number): string {
  return `${day === 1 ? '1er' : day}${NBSP}${MONTHS[month - 1]} ${year}`;
}

/** "24 novembre 2026 à 17 h 12", in Paris time. */
export function frenchDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('an attestation date is not a valid date');
  const part = Object.fromEntries(PARIS_CLOCK.formatToParts(date).map(({ type, value }) => [type, Number(value)]));
  const minutes = String(part.minute).padStart(2, '0');
  return `${dayMonthYear(part.year, part.month, part.day)} à ${part.hour}${NBSP}h${NBSP}${minutes}`;
}

/** "du 24 novembre 2026 à 17 h 12 au 24 mai 2027 à 17 h 12". */
export function frenchPeriod(from: Date, until: Date): string {
  return `du ${frenchDateTime(from)} au ${frenchDateTime(until)}`;
}

/**
 * A birth date as FranceConnect gives it, after « né(e) »: "le 14 juillet 1984", or, when the day
 * or the month is unknown (written 00, as for some people born abroad), "en mars 1984" or "en 1984".
 */
export function frenchBirthDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const [year, month, day] = match ? match.slice(1).map(Number) : [0, 0, 0];
  if (match && year > 0 && month === 0 && day === 0) return `en ${year}`;
  if (match && year > 0 && month >= 1 && month <= 12 && day === 0) return `en ${MONTHS[month - 1]} ${year}`;
  const checked = new Date(Date.UTC(year, month - 1, day));
  if (!match || checked.getUTCMonth() !== month - 1 || checked.getUTCDate() !== day) {
    throw new RangeError('a birth date must be a date written YYYY-MM-DD (00 for an unknown day or month)');
  }
  return `le ${dayMonthYear(year, month, day)}`;
}
