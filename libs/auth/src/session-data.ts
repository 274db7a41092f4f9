import 'express-session';

/** What a console session holds: identifiers and times only, never personal data. */
declare module 'express-session' {
  interface SessionData {
    /** Password accepted, second factor not yet: the aide being logged in. */
    pendingAideId?: string;
    aideId?: string;
    structureId?: string;
    /** Epoch ms of the login: the session ends 12 h after it whatever the activity. */
    loginAt?: number;
    /** Epoch ms of the last request: idle 30 min ends the session. */
    lastSeenAt?: number;
    /** Set after 15 minutes idle; cleared by a TOTP code (step-up). */
    stepUpNeeded?: boolean;
    /** Where to go back after a step-up. */
    returnTo?: string;
  }
}

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 3600 * 1000;
export const STEP_UP_IDLE_MS = 15 * 60 * 1000;
/**
 * The idle clock (`lastSeenAt`) moves by this step: a request less than a minute after the last
 * recorded one writes nothing back to Redis (neither the session nor its expiry). Idle times are
 * thus read at most one minute long: a step-up or the idle end comes up to a minute early, never late.
 */
export const IDLE_CLOCK_STEP_MS = 60 * 1000;
export const SESSION_COOKIE = 'relais.sid';

/** The console pages the guard and the login flow send people to. */
export const CONSOLE_PATHS = {
  login: '/connexion',
  code: '/connexion/code',
  enrolment: '/connexion/enrolement',
  stepUp: '/connexion/confirmation',
  structureChoice: '/structure',
  home: '/espace',
} as const;
