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
  /** The translation shown beside the French text, if the citizen chose one: printed after it. */
  translation?: AttestationTranslation;
  verification: AttestationVerification;
}

/** A translation of the consent text, for information: the French text stays the binding one. */
export interface AttestationTranslation {
  /** BCP 47 language tag: 'en', 'ar'. */
  lang: string;
  /** The language in French, as the sentence reads it: 'anglais', 'arabe'. */
  languageName: string;
  dir: 'ltr' | 'rtl';
  /** Which revision of the translation of this text version (1, 2…). */
  revision: number;
  /** Whether a sworn translator reviewed it. */
  reviewed: boolean;
  /** In the language: "for information; only the French text is binding". */
  notice: string;
  paragraphs: string[];
}
