import 'express-session';

import { DomainException, ErrorCode } from '@relais/exceptions';
import type { FranceConnectTransaction } from '@relais/france-connect';
import type { Request } from 'express';

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

/** The journey under way (not yet decided), or 400 `consent_not_started`. */
export function currentJourney(req: Request): ConsentJourney {
  const journey = req.session.consent;
  if (!journey || journey.decision) throw new DomainException(ErrorCode.ConsentNotStarted);
  return journey;
}

/** The journey once FranceConnect identified the citizen, or 400 `consent_not_started`. */
export function identifiedJourney(req: Request): ConsentJourney & { citizenId: string } {
  const journey = currentJourney(req);
  if (!journey.citizenId || !journey.identification) throw new DomainException(ErrorCode.ConsentNotStarted);
  return journey as ConsentJourney & { citizenId: string };
}

/**
 * The language the citizen chose for the translation beside the French text (`langue`, in the
 * query of the page or in the form sent), or null for French only. The value is checked by the
 * consent service: one without a translation is a 404 page.
 */
export function chosenLanguage(req: Request): string | null {
  const query = req.query.langue;
  const posted = (req.body as { langue?: unknown } | undefined)?.langue;
  const value = typeof query === 'string' ? query : typeof posted === 'string' ? posted : '';
  return value.trim() === '' ? null : value.trim().slice(0, 20);
}
