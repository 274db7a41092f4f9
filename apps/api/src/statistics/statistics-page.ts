import { frenchMonth } from '@relais/dates';
import {
  barChartSvg,
  INDICATOR_DEFINITIONS,
  INDICATOR_LABELS,
  INDICATORS,
  Indicator,
  type PublicStatistics,
} from '@relais/statistics';

/** "janvier 2026" for "2026-01", with the one French month vocabulary (@relais/dates). */
const monthLabel = (month: string) => `${frenchMonth(Number(month.slice(5, 7)))} ${month.slice(0, 4)}`;
/** Chart axis labels only: abbreviations ("janv.") fit twelve bars. */
const SHORT_MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'short', timeZone: 'UTC' });
const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);

/** What the statistics template shows: labels, the chart and its text alternative. */
export function statisticsPage(statistics: PublicStatistics) {
  const shown = (value: number | null) =>
    value === null ? `moins de ${statistics.threshold}` : value.toLocaleString('fr-FR');
  const months = statistics.months.map((month) => ({ label: monthLabel(month.month), ...month }));
  const logins = statistics.months.map((month) => month.values[Indicator.DelegatedLogins]);
  return {
    pageTitle: 'Statistiques publiques',
    statistics,
    indicators: INDICATORS.map((key) => ({
      key,
      label: INDICATOR_LABELS[key],
      definition: INDICATOR_DEFINITIONS[key],
    })),
    months,
    from: months[0].label,
    to: months[months.length - 1].label,
    shown,
    chart: barChartSvg({
      id: 'graphique-demarches',
      title: `${INDICATOR_LABELS[Indicator.DelegatedLogins]}, par mois`,
      description: `De ${months[0].label} à ${months[months.length - 1].label} : ${months
        .map((month, index) => `${month.label}, ${shown(logins[index])}`)
        .join(' ; ')}. Les mêmes chiffres sont dans le tableau « Par mois ».`,
      bars: statistics.months.map((month, index) => ({
        label: SHORT_MONTH.format(monthDate(month.month)),
        value: logins[index],
      })),
    }),
  };
}
