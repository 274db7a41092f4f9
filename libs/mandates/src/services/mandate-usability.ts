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

/**
 * THE rule: may this mandate be used for this area at this instant? Every path calls it, at every
 * use, whatever the worker has processed yet: usable only while status is active,
 * startsAt <= now < expiresAt, the area is covered and not revoked, and the structure is active.
 */
export function mandateUsability(facts: MandateUsabilityFacts, now: Date): MandateUsability {
  if (facts.status === MandateStatus.Expired) return { usable: false, reason: 'expired' };
  if (facts.status !== MandateStatus.Active) return { usable: false, reason: 'not_active' };
  if (!facts.structureActive) return { usable: false, reason: 'structure_inactive' };
  if (!facts.startsAt || now.getTime() < facts.startsAt.getTime()) return { usable: false, reason: 'not_started' };
  if (!facts.expiresAt || now.getTime() >= facts.expiresAt.getTime()) return { usable: false, reason: 'expired' };
  if (!facts.procedure) return { usable: false, reason: 'area_not_covered' };
  if (facts.procedure.revokedAt && facts.procedure.revokedAt.getTime() <= now.getTime()) {
    return { usable: false, reason: 'area_revoked' };
  }
  return { usable: true };
}
