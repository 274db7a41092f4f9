import { ProcedureArea } from '@relais/structures';

import type { MandateProcedure } from './entities/mandate-procedure.entity.js';
import type { Mandate } from './entities/mandate.entity.js';
import { MandateStatus } from './enums/mandate-status.enum.js';
import { RevocationReason } from './enums/revocation-reason.enum.js';
import { areaStates, MandateState, mandateState } from './mandate-state.js';

const start = new Date('2026-11-24T10:00:00.000Z');
const end = new Date('2026-12-24T10:00:00.000Z');
const inside = new Date('2026-12-01T00:00:00.000Z');
const mandate = (overrides: Partial<Mandate> = {}) =>
  ({
    id: 'm',
    status: MandateStatus.Active,
    startsAt: start,
    expiresAt: end,
    areas: [ProcedureArea.Papers, ProcedureArea.Money],
    ...overrides,
  }) as Mandate;
const procedure = (area: ProcedureArea, revokedAt: Date | null = null) =>
  ({ area, revokedAt, revocationReason: revokedAt ? RevocationReason.Revoked : null }) as MandateProcedure;
const live = [procedure(ProcedureArea.Papers), procedure(ProcedureArea.Money)];
const stateOf = (m: Mandate, procedures: MandateProcedure[], now: Date, structureActive = true) =>
  mandateState(m, areaStates(m, procedures, structureActive, now), now);

describe('mandateState', () => {
  it('says "current" while every area is usable', () => {
    expect(stateOf(mandate(), live, inside)).toBe(MandateState.Current);
  });

  it('says "upcoming" (not "revoked") one millisecond before the start, "current" at the start', () => {
    expect(stateOf(mandate(), live, new Date(start.getTime() - 1))).toBe(MandateState.Upcoming);
    expect(stateOf(mandate(), live, start)).toBe(MandateState.Current);
  });

  it('says "expired" at the end, whatever the worker did yet, and once the worker marked it', () => {
    expect(stateOf(mandate(), live, end)).toBe(MandateState.Expired);
    expect(stateOf(mandate({ status: MandateStatus.Expired }), live, inside)).toBe(MandateState.Expired);
  });

  it('says "partly revoked" from the instant one area of two is revoked, "revoked" when none is left', () => {
    const oneRevoked = [procedure(ProcedureArea.Papers), procedure(ProcedureArea.Money, inside)];
    expect(stateOf(mandate(), oneRevoked, new Date(inside.getTime() - 1))).toBe(MandateState.Current);
    expect(stateOf(mandate(), oneRevoked, inside)).toBe(MandateState.PartlyRevoked);
    const bothRevoked = [procedure(ProcedureArea.Papers, inside), procedure(ProcedureArea.Money, inside)];
    expect(stateOf(mandate(), bothRevoked, inside)).toBe(MandateState.Revoked);
  });

  it('follows the status for pending, refused and revoked mandates', () => {
    expect(
      stateOf(mandate({ status: MandateStatus.PendingConsent, startsAt: null, expiresAt: null }), [], inside),
    ).toBe(MandateState.Pending);
    expect(stateOf(mandate({ status: MandateStatus.Refused }), [], inside)).toBe(MandateState.Refused);
    expect(stateOf(mandate({ status: MandateStatus.Revoked }), live, inside)).toBe(MandateState.Revoked);
  });
});
