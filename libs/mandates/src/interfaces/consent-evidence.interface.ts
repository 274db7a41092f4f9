import type { ConsentChannel } from '../enums/consent-channel.enum.js';

/** How the citizen's consent was obtained: facts only, no token or personal data. */
export interface ConsentEvidence {
  channel: ConsentChannel;
  consentedAt: string;
  textVersion: string;
  /** SHA-256 (base64url) of the exact paragraphs shown. */
  textDigest: string;
  /** SHA-256 (base64url) of the canonical consent facts (consentFactsDigest); absent from version 1 seals. */
  factsDigest?: string;
  /**
   * The translation shown beside the French text (version 3 seals): its language, revision, the
   * digest of the stored translation and of the words shown; null when the citizen read French only.
   * Absent from version 1 and 2 seals.
   */
  translation?: { lang: string; revision: number; templateDigest: string; digest: string } | null;
  franceConnect: {
    acr: string;
    authTime: string | null;
    /** SHA-256 (base64url) of the raw ID token. */
    idTokenDigest: string;
  };
}
