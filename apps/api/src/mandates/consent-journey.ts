import 'express-session';

import type { FranceConnectTransaction } from '@relais/france-connect';

/**
 * The citizen's way through identification and consent, kept in the server-side session: the
 * aide's own session on the same device, an anonymous one on the citizen's device.
 */
export interface ConsentJourney {
  mandateId: string;
  /** Set while FranceConnect is asked; cleared at the callback (a callback is accepted once). */
  franceConnect?: FranceConnectTransaction;
  /** Set once FranceConnect identified the citizen. */
  citizenId?: string;
  identification?: { acr: string; authTime: string | null; idTokenDigest: string };
  /** Set after the decision: the citizen may download their copy in this session. */
  attestationId?: string;
  decision?: 'accepted' | 'refused';
}

declare module 'express-session' {
  interface SessionData {
    consent?: ConsentJourney;
  }
}

export const CONSENT_PATHS = {
  start: '/consentement/franceconnect',
  page: '/consentement',
  attestation: '/consentement/attestation.pdf',
} as const;
