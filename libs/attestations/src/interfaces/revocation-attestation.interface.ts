import type { AttestationParties } from './attestation-parties.interface.js';
import type { AttestationVerification } from './attestation-verification.interface.js';

/**
 * What the revocation attestation prints: the whole mandate ends, or some areas are withdrawn.
 * `aide` is the aide who stopped it with the citizen present (at the counter); absent when the
 * citizen stopped it themself in the portal: then no aide is named and there is no aide's box.
 */
export interface RevocationAttestation extends Omit<AttestationParties, 'aide'> {
  aide?: AttestationParties['aide'];
  mandateId: string;
  revokedAreas: { code: string; label: string }[];
  /** Empty when the whole mandate ends. */
  remainingAreas: { code: string; label: string }[];
  revokedAt: Date;
  /** The verification code of the mandate attestation being revoked. */
  mandateCode: string;
  verification: AttestationVerification;
}
