const DAYS: Record<string, string> = {
  Mo: 'lundi',
  Tu: 'mardi',
  We: 'mercredi',
  Th: 'jeudi',
  Fr: 'vendredi',
  Sa: 'samedi',
  Su: 'dimanche',
};

const DAY = '(Mo|Tu|We|Th|Fr|Sa|Su)';
const DAYS_PART = new RegExp(`^${DAY}(-${DAY})?(,${DAY}(-${DAY})?)*$`);
const TIME_RANGE = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

const time = (hours: string, minutes: string) => `${Number(hours)} h${minutes === '00' ? '' : ` ${minutes}`}`;

function days(part: string): string {
  return part
    .split(',')
    .map((range) => {
      const [from, to] = range.split('-');
      return to ? `du ${DAYS[from]} au ${DAYS[to]}` : `le ${DAYS[from]}`;
    })
    .join(', ');
}

function hours(part: string): string | null {
  const ranges = part.split(',').map((range) => TIME_RANGE.exec(range));
  if (ranges.some((range) => !range)) return null;
  return ranges.map((range) => `de ${time(range![1], range![2])} à ${time(range![3], range![4])}`).join(' et ');
}

/**
 * Opening hours in the schema's OpenStreetMap syntax, read out in French for the common forms
 * ("Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00" → "du lundi au vendredi, de 9 h à 12 h et
 * de 14 h à 17 h 30 ; le samedi, de 9 h à 12 h"). Anything else (holidays, weeks, comments) is
 * returned as written rather than half-translated.
 */
export function frenchOpeningHours(openingHours: string): string {
  const rules = openingHours
    .split(';')
    .map((rule) => rule.trim())
    .filter(Boolean);
  const read = rules.map((rule) => {
    const [dayPart, timePart, ...rest] = rule.split(/\s+/);
    if (rest.length > 0 || !DAYS_PART.test(dayPart)) return null;
    if (timePart === 'off') return `fermé ${days(dayPart)}`;
    const spoken = timePart ? hours(timePart) : null;
    return spoken ? `${days(dayPart)}, ${spoken}` : null;
  });
  return read.every((rule) => rule !== null) && read.length > 0 ? read.join(' ; ') : openingHours;
}
