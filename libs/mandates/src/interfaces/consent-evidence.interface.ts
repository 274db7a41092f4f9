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
  franceConnect: {
    acr: string;
    authTime: string | null;
    /** SHA-256 (base64url) of the raw ID token. */
    idTokenDigest: string;
  };
}
