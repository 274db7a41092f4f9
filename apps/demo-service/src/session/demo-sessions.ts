import type { Request, Response } from 'express';

import type { LoginTransaction, RelaisLogin } from '../relying-party/relais-client.js';
import { MemoryStore } from './memory-store.js';
import { SignedCookies } from './signed-cookies.js';

/** Cookie of the login under way (state, nonce, PKCE verifier stay on the server). */
export const TRANSACTION_COOKIE = 'demo_transaction';
/** Cookie of the logged-in session (the tokens stay on the server). */
export const SESSION_COOKIE = 'demo_session';

const TRANSACTION_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 30 * 60_000;

/**
 * The service's server-side state, in memory: the browser only holds a random identifier in a
 * signed, HttpOnly, SameSite=Lax cookie. Fine for a single-process demo: a restart logs everybody
 * out, and several processes would not share it (a real service would use Redis or its database).
 */
export class DemoSessions {
  private readonly transactions = new MemoryStore<LoginTransaction>(TRANSACTION_TTL_MS);
  private readonly sessions = new MemoryStore<RelaisLogin>(SESSION_TTL_MS);
  private readonly cookies: SignedCookies;

  constructor(cookieKeys: string[], secure: boolean) {
    this.cookies = new SignedCookies(cookieKeys, secure);
  }

  startTransaction(res: Response, transaction: LoginTransaction): void {
    this.cookies.set(res, TRANSACTION_COOKIE, this.transactions.add(transaction), TRANSACTION_TTL_MS);
  }

  /** The login under way, forgotten at once: a callback can be used once only. */
  takeTransaction(req: Request, res: Response): LoginTransaction | undefined {
    const transaction = this.transactions.take(this.cookies.get(req, TRANSACTION_COOKIE));
    this.cookies.clear(res, TRANSACTION_COOKIE);
    return transaction;
  }

  startSession(res: Response, login: RelaisLogin): void {
    this.cookies.set(res, SESSION_COOKIE, this.sessions.add(login), SESSION_TTL_MS);
  }

  current(req: Request): RelaisLogin | undefined {
    return this.sessions.get(this.cookies.get(req, SESSION_COOKIE));
  }

  /** Ends the session here and returns what Relais' logout needs (the ID token), if any. */
  end(req: Request, res: Response): RelaisLogin | undefined {
    const login = this.sessions.take(this.cookies.get(req, SESSION_COOKIE));
    this.cookies.clear(res, SESSION_COOKIE);
    return login;
  }
}
