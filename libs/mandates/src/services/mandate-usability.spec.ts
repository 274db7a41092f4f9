import { MandateStatus } from '../enums/mandate-status.enum.js';
import { mandateUsability, type MandateUsabilityFacts } from './mandate-usability.js';

const start = new Date('2026-11-24T10:00:00.000Z');
const end = new Date('2026-12-24T10:00:00.000Z');
const facts = (overrides: Partial<MandateUsabilityFacts> = {}): MandateUsabilityFacts => ({
  status: MandateStatus.Active,
  startsAt: start,
  expiresAt: end,
  structureActive: true,
  procedure: { revokedAt: null },
  ...overrides,
});
const at = (iso: string) => new Date(iso);

describe('mandateUsability', () => {
  it('allows an active mandate inside its period for a covered area', () => {
    expect(mandateUsability(facts(), at('2026-12-01T00:00:00Z'))).toEqual({ usable: true });
  });

  it('allows it one second before expiry and refuses it at expiry and one second after', () => {
    expect(mandateUsability(facts(), at('2026-12-24T09:59:59.000Z')).usable).toBe(true);
    expect(mandateUsability(facts(), at('2026-12-24T10:00:00.000Z'))).toEqual({ usable: false, reason: 'expired' });
    expect(mandateUsability(facts(), at('2026-12-24T10:00:01.000Z'))).toEqual({ usable: false, reason: 'expired' });
  });

  it('refuses it before it starts', () => {
    expect(mandateUsability(facts(), at('2026-11-24T09:59:59.999Z'))).toEqual({ usable: false, reason: 'not_started' });
  });

  it('refuses a mandate the worker marked expired, as expired, whatever the clock says', () => {
    expect(mandateUsability(facts({ status: MandateStatus.Expired }), at('2026-12-01T00:00:00Z'))).toEqual({
      usable: false,
      reason: 'expired',
    });
  });

  it('refuses a revoked, pending or refused status even inside the period', () => {
    for (const status of [MandateStatus.Revoked, MandateStatus.PendingConsent, MandateStatus.Refused]) {
      expect(mandateUsability(facts({ status }), at('2026-12-01T00:00:00Z'))).toEqual({
        usable: false,
        reason: 'not_active',
      });
    }
  });

  it('refuses an area the mandate does not cover, and a revoked area', () => {
    expect(mandateUsability(facts({ procedure: null }), at('2026-12-01T00:00:00Z'))).toEqual({
      usable: false,
      reason: 'area_not_covered',
    });
    const revoked = facts({ procedure: { revokedAt: at('2026-11-30T00:00:00Z') } });
    expect(mandateUsability(revoked, at('2026-11-29T23:59:59Z')).usable).toBe(true);
    expect(mandateUsability(revoked, at('2026-11-30T00:00:00Z'))).toEqual({ usable: false, reason: 'area_revoked' });
  });

  it('refuses every mandate of an inactive structure', () => {
    expect(mandateUsability(facts({ structureActive: false }), at('2026-12-01T00:00:00Z'))).toEqual({
      usable: false,
      reason: 'structure_inactive',
    });
  });
});
