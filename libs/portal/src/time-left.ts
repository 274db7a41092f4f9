const RELATIVE = new Intl.RelativeTimeFormat('fr', { numeric: 'auto' });
const DAY_MS = 24 * 3600 * 1000;

/** "dans 3 mois", "dans 12 jours", "demain": how long until `end`, in plain words; null once past. */
export function timeLeft(end: Date, now: Date): string | null {
  const days = Math.ceil((end.getTime() - now.getTime()) / DAY_MS);
  if (days <= 0) return null;
  if (days < 45) return RELATIVE.format(days, 'day');
  return RELATIVE.format(Math.round(days / 30.44), 'month');
}
