import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';

import type { MandateProcedure } from './entities/mandate-procedure.entity.js';
import type { Mandate } from './entities/mandate.entity.js';
import { MandateStatus } from './enums/mandate-status.enum.js';
import { RevocationReason } from './enums/revocation-reason.enum.js';
import {
  AREA_USABLE_SQL,
  mandateUsability,
  SQL_NOW,
  sqlInstant,
  type MandateUnusableReason,
} from './services/mandate-usability.js';

/** Where a mandate stands, as people read it (list filters, detail page, verification page). */
export enum MandateState {
  Pending = 'pending',
  /** Consented, but its start is still ahead (a clock ahead of another's). */
  Upcoming = 'upcoming',
  Refused = 'refused',
  Current = 'current',
  PartlyRevoked = 'partly_revoked',
  Expired = 'expired',
  Revoked = 'revoked',
}

export const MANDATE_STATE_LABELS: Record<MandateState, string> = {
  [MandateState.Pending]: 'En attente d’accord',
  [MandateState.Upcoming]: 'Pas encore commencé',
  [MandateState.Refused]: 'Refusé',
  [MandateState.Current]: 'En cours',
  [MandateState.PartlyRevoked]: 'En cours (démarches retirées)',
  [MandateState.Expired]: 'Expiré',
  [MandateState.Revoked]: 'Révoqué',
};

export interface AreaState {
  area: ProcedureArea;
  label: string;
  usable: boolean;
  /** Why not, in French; null when usable. */
  why: string | null;
}

const REASON_LABELS: Record<MandateUnusableReason | RevocationReason, string> = {
  not_active: 'Mandat pas en vigueur',
  not_started: 'Pas encore commencé',
  expired: 'Expiré',
  area_not_covered: 'Non couvert',
  area_revoked: 'Retirée',
  structure_inactive: 'Structure désactivée',
  [RevocationReason.Revoked]: 'Retirée',
  [RevocationReason.Replaced]: 'Remplacée par un mandat plus récent',
};

/** Each area of the mandate at `now`, decided by mandateUsability (the one rule). */
export function areaStates(
  mandate: Mandate,
  procedures: MandateProcedure[],
  structureActive: boolean,
  now: Date,
): AreaState[] {
  return mandate.areas.map((area) => {
    const procedure = procedures.find((candidate) => candidate.area === area) ?? null;
    const usability = mandateUsability(
      { status: mandate.status, startsAt: mandate.startsAt, expiresAt: mandate.expiresAt, structureActive, procedure },
      now,
    );
    let why: string | null = null;
    if (!usability.usable) {
      why =
        usability.reason === 'area_revoked' && procedure?.revocationReason
          ? REASON_LABELS[procedure.revocationReason]
          : REASON_LABELS[usability.reason];
    }
    return { area, label: PROCEDURE_AREA_LABELS[area], usable: usability.usable, why };
  });
}

/** How many of the mandate's areas are usable at `:now`, in SQL (AREA_USABLE_SQL for each). */
const USABLE_AREAS_SQL = `(SELECT count(*) FROM unnest(m.areas) AS asked(area)
  LEFT JOIN mandate_procedures p ON p.mandate_id = m.id AND p.area = asked.area
  WHERE ${AREA_USABLE_SQL})`;

/** One overall state and when it holds: the same test in TypeScript and in SQL, side by side. */
interface StateRule {
  state: MandateState;
  holds: (mandate: Mandate, areas: AreaState[], now: number) => boolean;
  sql: string;
}

/** In order: the first rule that holds names the state. */
const STATE_RULES: readonly StateRule[] = [
  {
    state: MandateState.Pending,
    holds: (mandate) => mandate.status === MandateStatus.PendingConsent,
    sql: `m.status = '${MandateStatus.PendingConsent}'`,
  },
  {
    state: MandateState.Refused,
    holds: (mandate) => mandate.status === MandateStatus.Refused,
    sql: `m.status = '${MandateStatus.Refused}'`,
  },
  {
    state: MandateState.Revoked,
    holds: (mandate) => mandate.status === MandateStatus.Revoked,
    sql: `m.status = '${MandateStatus.Revoked}'`,
  },
  {
    state: MandateState.Expired,
    holds: (mandate, _areas, now) =>
      mandate.status === MandateStatus.Expired || Boolean(mandate.expiresAt && now >= mandate.expiresAt.getTime()),
    sql: `m.status = '${MandateStatus.Expired}' OR (m.expires_at IS NOT NULL AND ${SQL_NOW} >= ${sqlInstant('m.expires_at')})`,
  },
  {
    state: MandateState.Upcoming,
    holds: (mandate, _areas, now) => !mandate.startsAt || now < mandate.startsAt.getTime(),
    sql: `m.starts_at IS NULL OR ${SQL_NOW} < ${sqlInstant('m.starts_at')}`,
  },
  {
    state: MandateState.Revoked,
    holds: (_mandate, areas) => areas.every((area) => !area.usable),
    sql: `${USABLE_AREAS_SQL} = 0`,
  },
  {
    state: MandateState.PartlyRevoked,
    holds: (_mandate, areas) => areas.some((area) => !area.usable),
    sql: `${USABLE_AREAS_SQL} < cardinality(m.areas)`,
  },
  { state: MandateState.Current, holds: () => true, sql: 'TRUE' },
];

/** The mandate's overall state at `now`, from its status, its dates and its areas' states. */
export function mandateState(mandate: Mandate, areas: AreaState[], now: Date): MandateState {
  return STATE_RULES.find((rule) => rule.holds(mandate, areas, now.getTime()))!.state;
}

/**
 * mandateState in SQL, rule for rule, over `m` (mandates) joined to `s` (its structure) and
 * `:now`: what the list filter compares with the state asked for.
 */
export const MANDATE_STATE_SQL = `(CASE ${STATE_RULES.map((rule) => `WHEN (${rule.sql}) THEN '${rule.state}'`).join(' ')} END)`;
