import { stringify } from 'csv-stringify/sync';

import { INDICATOR_LABELS, INDICATORS, type PublishedValues } from './indicators.js';
import type { PublicStatistics } from './services/public-statistics.service.js';

/** Masked figures read as this in the file (the page says "moins de N"). */
const MASKED = 'masqué';

/**
 * The page's figures as CSV (RFC 4180, `;` separated, UTF-8 with a BOM so spreadsheets read the
 * accents): one row per month (national), per département (whole period) and the total.
 */
export function statisticsCsv(statistics: PublicStatistics): string {
  const cells = (values: PublishedValues) => INDICATORS.map((indicator) => values[indicator] ?? MASKED);
  const period = `${statistics.from} à ${statistics.to}`;
  const rows = [
    ['periode', 'departement', ...INDICATORS],
    ['', '', ...INDICATORS.map((indicator) => INDICATOR_LABELS[indicator])],
    ...statistics.months.map((month) => [month.month, 'France entière', ...cells(month.values)]),
    ...statistics.departments.map((department) => [period, department.label, ...cells(department.values)]),
    [period, 'France entière', ...cells(statistics.totals)],
  ];
  return stringify(rows, { delimiter: ';', bom: true, record_delimiter: 'windows' });
}
