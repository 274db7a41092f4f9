import type { AttestationParties } from './attestation-parties.interface.js';
import type { AttestationVerification } from './attestation-verification.interface.js';

/** What the mandate attestation prints, given at consent. */
export interface MandateAttestation extends AttestationParties {
  mandateId: string;
  areas: { code: string; label: string }[];
  /** '6 mois' */
  durationLabel: string;
  startsAt: Date;
  expiresAt: Date;
  consentedAt: Date;
  /** The exact words the citizen agreed to, printed as such. */
  consentText: { version: string; paragraphs: string[] };
  verification: AttestationVerification;
}
