/** The fixed catalogue of durations; never longer than twelve months. */
export enum MandateDuration {
  OneDay = 'one_day',
  OneMonth = 'one_month',
  SixMonths = 'six_months',
  TwelveMonths = 'twelve_months',
}

export const MANDATE_DURATION_LABELS: Record<MandateDuration, string> = {
  [MandateDuration.OneDay]: '1 jour',
  [MandateDuration.OneMonth]: '1 mois',
  [MandateDuration.SixMonths]: '6 mois',
  [MandateDuration.TwelveMonths]: '12 mois',
};

/**
 * When a mandate starting at `start` ends. Calendar months (a mandate signed on 31 January for one
 * month ends on 28 or 29 February: the month is clamped, never spilling into March).
 */
export function mandateEnd(start: Date, duration: MandateDuration): Date {
  if (duration === MandateDuration.OneDay) return new Date(start.getTime() + 24 * 3600 * 1000);
  const months = { [MandateDuration.OneMonth]: 1, [MandateDuration.SixMonths]: 6, [MandateDuration.TwelveMonths]: 12 }[
    duration
  ];
  const end = new Date(start);
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}
