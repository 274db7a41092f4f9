import { MandateStatus } from '../enums/mandate-status.enum.js';

/** What the rule needs to know, whichever path asks (console, delegated login, worker). */
export interface MandateUsabilityFacts {
  status: MandateStatus;
  startsAt: Date | null;
  expiresAt: Date | null;
  structureActive: boolean;
  /** The area's authorisation within the mandate: absent if the mandate never covered the area. */
  procedure: { revokedAt: Date | null } | null;
}

export type MandateUnusableReason =
  'not_active' | 'not_started' | 'expired' | 'area_not_covered' | 'area_revoked' | 'structure_inactive';

export type MandateUsability = { usable: true } | { usable: false; reason: MandateUnusableReason };

/** `:now` as SQL sees it (TypeORM named parameter). */
export const SQL_NOW = 'CAST(:now AS timestamptz)';

/** A timestamp column as a JavaScript Date holds it (PostgreSQL keeps microseconds, node-postgres truncates). */
export const sqlInstant = (column: string) => `date_trunc('milliseconds', ${column})`;

/** One way a mandate can be unusable for an area: the same test in TypeScript and in SQL, side by side. */
interface UsabilityCheck {
  reason: MandateUnusableReason;
  fails: (facts: MandateUsabilityFacts, now: number) => boolean;
  /** Over `m` (mandates), `s` (its structure), `p` (the area's mandate_procedures row, or NULLs) and `:now`. */
  sql: string;
}

/** The checks in the order the rule makes them: the first that fails is the reason. */
const USABILITY_CHECKS: readonly UsabilityCheck[] = [
  // Marked expired by the worker: reads as expired, like a mandate past its end it has not seen yet.
  {
    reason: 'expired',
    fails: (facts) => facts.status === MandateStatus.Expired,
    sql: `m.status = '${MandateStatus.Expired}'`,
  },
  {
    reason: 'not_active',
    fails: (facts) => facts.status !== MandateStatus.Active,
    sql: `m.status <> '${MandateStatus.Active}'`,
  },
  { reason: 'structure_inactive', fails: (facts) => !facts.structureActive, sql: 'NOT s.active' },
  {
    reason: 'not_started',
    fails: (facts, now) => !facts.startsAt || now < facts.startsAt.getTime(),
    sql: `m.starts_at IS NULL OR ${SQL_NOW} < ${sqlInstant('m.starts_at')}`,
  },
  {
    reason: 'expired',
    fails: (facts, now) => !facts.expiresAt || now >= facts.expiresAt.getTime(),
    sql: `m.expires_at IS NULL OR ${SQL_NOW} >= ${sqlInstant('m.expires_at')}`,
  },
  { reason: 'area_not_covered', fails: (facts) => !facts.procedure, sql: 'p.id IS NULL' },
  {
    reason: 'area_revoked',
    fails: (facts, now) => Boolean(facts.procedure?.revokedAt && facts.procedure.revokedAt.getTime() <= now),
    sql: `p.revoked_at IS NOT NULL AND ${sqlInstant('p.revoked_at')} <= ${SQL_NOW}`,
  },
];

/**
 * THE rule: may this mandate be used for this area at this instant? Every path calls it, at every
 * use, whatever the worker has processed yet: usable only while status is active,
 * startsAt <= now < expiresAt, the area is covered and not revoked, and the structure is active.
 */
export function mandateUsability(facts: MandateUsabilityFacts, now: Date): MandateUsability {
  const failed = USABILITY_CHECKS.find((check) => check.fails(facts, now.getTime()));
  return failed ? { usable: false, reason: failed.reason } : { usable: true };
}

/** The same rule in SQL: true when the area (row `p`) of mandate `m` of structure `s` is usable at `:now`. */
export const AREA_USABLE_SQL = USABILITY_CHECKS.map((check) => `NOT (${check.sql})`).join(' AND ');

/**
 * The same rule in SQL as a reason: NULL when the area (row `p`) of mandate `m` of structure `s`
 * is usable at `:now`, else the MandateUnusableReason mandateUsability gives (the first check
 * that fails, in the same order). For statements that decide and act at once.
 */
export const AREA_UNUSABLE_REASON_SQL = `(CASE ${USABILITY_CHECKS.map(
  (check) => `WHEN (${check.sql}) THEN '${check.reason}'`,
).join(' ')} END)`;
