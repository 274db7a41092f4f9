import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';

import type { MandateProcedure } from './entities/mandate-procedure.entity.js';
import type { Mandate } from './entities/mandate.entity.js';
import { MandateStatus } from './enums/mandate-status.enum.js';
import { RevocationReason } from './enums/revocation-reason.enum.js';
import { mandateUsability, type MandateUnusableReason } from './services/mandate-usability.js';

/** Where a mandate stands, as people read it (list filters, detail page, verification page). */
export enum MandateState {
  Pending = 'pending',
  Refused = 'refused',
  Current = 'current',
  PartlyRevoked = 'partly_revoked',
  Expired = 'expired',
  Revoked = 'revoked',
}

export const MANDATE_STATE_LABELS: Record<MandateState, string> = {
  [MandateState.Pending]: 'En attente d’accord',
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

/** The mandate's overall state at `now`, from its status and its areas' states. */
export function mandateState(mandate: Mandate, areas: AreaState[], now: Date): MandateState {
  switch (mandate.status) {
    case MandateStatus.PendingConsent:
      return MandateState.Pending;
    case MandateStatus.Refused:
      return MandateState.Refused;
    case MandateStatus.Revoked:
      return MandateState.Revoked;
    default:
      if (mandate.expiresAt && now.getTime() >= mandate.expiresAt.getTime()) return MandateState.Expired;
      if (areas.every((area) => !area.usable)) return MandateState.Revoked;
      return areas.some((area) => !area.usable) ? MandateState.PartlyRevoked : MandateState.Current;
  }
}
