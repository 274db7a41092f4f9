import 'express-session';

import type { FranceConnectTransaction } from '@relais/france-connect';

/** What a citizen portal session adds to the one session mechanism: identifiers only. */
declare module 'express-session' {
  interface SessionData {
    /** The citizen logged in to the portal (through FranceConnect). */
    citizenId?: string;
    /** Between the redirect to FranceConnect and its callback (used once). */
    portalLogin?: FranceConnectTransaction;
    /** The FranceConnect ID token, only as id_token_hint for the logout that ends its session too. */
    portalIdToken?: string;
  }
}

/** The portal's addresses. */
export const PORTAL_PATHS = {
  home: '/usager',
  login: '/usager/connexion',
  franceConnect: '/usager/connexion/franceconnect',
  callback: '/usager/connexion/retour',
  logout: '/usager/deconnexion',
  loggedOut: '/usager/au-revoir',
} as const;

/** Uses per page of a mandate's history. */
export const USES_PER_PAGE = 20;
