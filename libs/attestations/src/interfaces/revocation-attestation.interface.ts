import type { AttestationParties } from './attestation-parties.interface.js';
import type { AttestationVerification } from './attestation-verification.interface.js';

/** What the revocation attestation prints: the whole mandate ends, or some areas are withdrawn. */
export interface RevocationAttestation extends AttestationParties {
  mandateId: string;
  revokedAreas: { code: string; label: string }[];
  /** Empty when the whole mandate ends. */
  remainingAreas: { code: string; label: string }[];
  revokedAt: Date;
  /** The verification code of the mandate attestation being revoked. */
  mandateCode: string;
  verification: AttestationVerification;
}
