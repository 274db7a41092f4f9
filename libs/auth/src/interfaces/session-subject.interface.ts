import type { ErrorCode } from '@relais/exceptions';
import type { Session, SessionData } from 'express-session';

export type LoginSession = Session & Partial<SessionData>;

/** What a session's identifiers turn out to name now. */
export type SessionLookup<P> =
  /** Who is logged in, still allowed to be. */
  | { principal: P }
  /** One more choice before the principal is known (e.g. the structure worked for). */
  | { choose: { code: ErrorCode; redirectTo: string } }
  /** Someone who may no longer be logged in (deactivated meanwhile). */
  | { gone: true };

/**
 * Who a session logs in (an aide of a structure, an operator, later a citizen) and where their
 * login pages are: the parameters of SessionCheck.
 */
export interface SessionSubject<P> {
  /** The login page. */
  loginPath: string;
  /** Where a code is entered again after 15 minutes idle. */
  stepUpPath: string;
  /** The id the session holds for who is logged in; undefined when nobody is. */
  loggedIn(session: LoginSession): string | undefined;
  load(session: LoginSession): Promise<SessionLookup<P>>;
}

export interface SessionCheckOptions<P> {
  /** Sensitive page: after 15 minutes idle (or a pending step-up) the code is asked again first. */
  stepUp: boolean;
  /** Where to come back to after a step-up or a choice. */
  returnTo?: string;
  /** Also come back to returnTo after a new login (an OIDC interaction, which must resume). */
  returnAfterLogin?: boolean;
  /** Whether this principal may see the page (e.g. a role); 403 Forbidden otherwise, before any step-up. */
  allow?: (principal: P) => boolean;
  /** What to do when the session names someone deactivated meanwhile; by default the session ends and login is asked. */
  onGone?: () => Promise<never>;
}
