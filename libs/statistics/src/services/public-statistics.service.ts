import { Inject, Injectable } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { departmentLabel } from '@relais/structures';
import { DataSource } from 'typeorm';

import { INDICATORS, Indicator, type IndicatorValues, type PublishedValues } from '../indicators.js';
import { maskSmallCount, maskSmallCounts } from '../small-counts.js';

/** How many months the page covers, the current one included. */
export const STATISTICS_MONTHS = 12;

export interface MonthFigures {
  /** YYYY-MM, Paris time. */
  month: string;
  values: PublishedValues;
}

export interface DepartmentFigures {
  /** INSEE code (75, 2A, 971), null when the structure's address has no postcode. */
  code: string | null;
  label: string;
  values: PublishedValues;
}

export interface PublicStatistics {
  /** First and last month covered (YYYY-MM). */
  from: string;
  to: string;
  generatedAt: Date;
  /** Counts under this are masked. */
  threshold: number;
  totals: PublishedValues;
  months: MonthFigures[];
  departments: DepartmentFigures[];
}

interface Row extends Record<Indicator, string | number> {
  month: string | null;
  department: string | null;
  by_month: number;
  by_department: number;
}

/** Start of the month `monthsBack` months before the one holding $1, in Paris time. */
const monthStart = (monthsBack: number) =>
  `((date_trunc('month', $1::timestamptz AT TIME ZONE 'Europe/Paris') - interval '${monthsBack} months') AT TIME ZONE 'Europe/Paris')`;

/**
 * Acts of the period (delegated logins and consented mandates) by month and département, with
 * the subtotals a GROUPING SETS query gives in one pass (distinct counts stay exact per set).
 */
const ACTIVITY_SQL = `
  WITH acts AS (
    SELECT 'login' AS kind, to_char(d.created_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month,
           d.citizen_id, d.aide_id, d.structure_id
      FROM delegations d WHERE d.created_at >= ${monthStart(STATISTICS_MONTHS - 1)} AND d.created_at <= $1
    UNION ALL
    SELECT 'mandate', to_char(m.starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM'), m.citizen_id, m.aide_id, m.structure_id
      FROM mandates m WHERE m.starts_at >= ${monthStart(STATISTICS_MONTHS - 1)} AND m.starts_at <= $1
  )
  SELECT a.month, s.department,
         GROUPING(a.month) = 0 AS by_month,
         GROUPING(s.department) = 0 AS by_department,
         count(*) FILTER (WHERE a.kind = 'login') AS delegated_logins,
         count(*) FILTER (WHERE a.kind = 'mandate') AS mandates_created,
         count(DISTINCT a.citizen_id) AS people_helped,
         count(DISTINCT a.aide_id) AS active_aides,
         count(DISTINCT a.structure_id) AS active_structures,
         0 AS mandates_in_force
    FROM acts a JOIN structures s ON s.id = a.structure_id
   GROUP BY GROUPING SETS ((a.month, s.department), (a.month), (s.department), ())`;

/** Mandates in force at the end of each month (now for the current one), by département. */
const IN_FORCE_SQL = `
  WITH months AS (
    SELECT to_char(local_start, 'YYYY-MM') AS month,
           least((local_start + interval '1 month') AT TIME ZONE 'Europe/Paris', $1::timestamptz) AS at
      FROM generate_series(
             date_trunc('month', $1::timestamptz AT TIME ZONE 'Europe/Paris') - interval '${STATISTICS_MONTHS - 1} months',
             date_trunc('month', $1::timestamptz AT TIME ZONE 'Europe/Paris'),
             interval '1 month') AS local_start
  )
  SELECT e.month, s.department, GROUPING(s.department) = 0 AS by_department, count(*) AS mandates_in_force
    FROM months e
    JOIN mandates m ON m.starts_at <= e.at AND m.expires_at > e.at AND (m.revoked_at IS NULL OR m.revoked_at > e.at)
    JOIN structures s ON s.id = m.structure_id
   GROUP BY GROUPING SETS ((e.month, s.department), (e.month))`;

/**
 * The public observatory: what Relais did, by month and by département, with no personal data
 * and no count small enough to single someone out (masked under STATISTICS_MIN_COUNT).
 */
@Injectable()
export class PublicStatisticsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async compute(now = new Date()): Promise<PublicStatistics> {
    const [activity, inForce]: [
      Row[],
      { month: string; department: string | null; by_department: boolean; mandates_in_force: string }[],
    ] = await Promise.all([this.dataSource.query(ACTIVITY_SQL, [now]), this.dataSource.query(IN_FORCE_SQL, [now])]);
    const months = lastMonths(now, STATISTICS_MONTHS);
    const current = months[months.length - 1];
    const empty = (): IndicatorValues => Object.fromEntries(INDICATORS.map((i) => [i, 0])) as IndicatorValues;
    const byMonth = new Map(months.map((month) => [month, empty()]));
    const byDepartment = new Map<string | null, IndicatorValues>();
    const totals = empty();
    for (const row of activity) {
      const target = row.by_month
        ? row.by_department
          ? null
          : byMonth.get(row.month!)
        : row.by_department
          ? getOrSet(byDepartment, row.department, empty)
          : totals;
      if (target) for (const indicator of INDICATORS) target[indicator] += Number(row[indicator]);
    }
    for (const row of inForce) {
      if (!row.by_department) byMonth.get(row.month)![Indicator.MandatesInForce] = Number(row.mandates_in_force);
      else if (row.month === current)
        getOrSet(byDepartment, row.department, empty)[Indicator.MandatesInForce] = Number(row.mandates_in_force);
    }
    totals[Indicator.MandatesInForce] = byMonth.get(current)![Indicator.MandatesInForce];
    const departments = [...byDepartment.entries()].sort(([a], [b]) => (a ?? '~').localeCompare(b ?? '~'));
    const threshold = this.config.STATISTICS_MIN_COUNT;
    const monthValues = maskColumns([...byMonth.values()], threshold);
    const departmentValues = maskColumns(
      departments.map(([, values]) => values),
      threshold,
    );
    return {
      from: months[0],
      to: current,
      generatedAt: now,
      threshold,
      totals: Object.fromEntries(INDICATORS.map((i) => [i, maskSmallCount(totals[i], threshold)])) as PublishedValues,
      months: months.map((month, index) => ({ month, values: monthValues[index] })),
      departments: departments.map(([code], index) => ({
        code,
        label: departmentLabel(code),
        values: departmentValues[index],
      })),
    };
  }
}

/** Masks each indicator's column of a table on its own. */
function maskColumns(rows: IndicatorValues[], threshold: number): PublishedValues[] {
  const masked: PublishedValues[] = rows.map(() => ({}) as PublishedValues);
  for (const indicator of INDICATORS) {
    maskSmallCounts(
      rows.map((row) => row[indicator]),
      threshold,
    ).forEach((value, index) => (masked[index][indicator] = value));
  }
  return masked;
}

/** YYYY-MM of the `count` months up to the one holding `now`, in Paris time, oldest first. */
function lastMonths(now: Date, count: number): string[] {
  const [year, month] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
  })
    .format(now)
    .split('-')
    .map(Number);
  return Array.from({ length: count }, (_, index) => {
    const date = new Date(Date.UTC(year, month - 1 - (count - 1 - index), 1));
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

function getOrSet<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  if (!map.has(key)) map.set(key, create());
  return map.get(key)!;
}
