import { promisify } from 'node:util';

import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { Request, Response } from 'express';

import type { SessionCheckOptions, SessionSubject } from '../interfaces/session-subject.interface.js';
import { IDLE_CLOCK_STEP_MS, SESSION_ABSOLUTE_MS, STEP_UP_IDLE_MS } from '../session-data.js';

/**
 * The one session check of every logged-in page (console guard, delegated-login interaction): a
 * live session (12 h at most), someone still allowed, and a step-up after 15 minutes idle. Who is
 * logged in and where their login pages are come from the SessionSubject. It throws a
 * DomainException with `redirectTo` (a 303 for browsers) to send them to log in and back.
 */
@Injectable()
export class SessionCheck {
  async require<P>(request: Request, subject: SessionSubject<P>, options: SessionCheckOptions<P>): Promise<P> {
    const now = Date.now();
    const back = options.returnAfterLogin ? options.returnTo : undefined;
    const session = request.session;
    if (!session || !subject.loggedIn(session) || !session.loginAt || now - session.loginAt > SESSION_ABSOLUTE_MS) {
      await restart(request, back);
      throw new DomainException(ErrorCode.Unauthorized, { redirectTo: subject.loginPath });
    }
    const lookup = await subject.load(session);
    if ('choose' in lookup) {
      if (back) session.returnTo = back;
      throw new DomainException(lookup.choose.code, { redirectTo: lookup.choose.redirectTo });
    }
    if ('gone' in lookup) {
      if (options.onGone) return options.onGone();
      await restart(request, undefined);
      throw new DomainException(ErrorCode.Unauthorized, { redirectTo: subject.loginPath });
    }
    if (options.allow && !options.allow(lookup.principal)) throw new DomainException(ErrorCode.Forbidden);
    // Idle for more than 15 minutes at any point since the last code (a session without a last
    // request counts as idle): sensitive pages need a new code.
    if (now - (session.lastSeenAt ?? 0) > STEP_UP_IDLE_MS) session.stepUpNeeded = true;
    // By the minute (IDLE_CLOCK_STEP_MS): a session unchanged is not written back.
    if (now - (session.lastSeenAt ?? 0) >= IDLE_CLOCK_STEP_MS) session.lastSeenAt = now;
    if (options.stepUp && session.stepUpNeeded) {
      if (options.returnTo) session.returnTo = options.returnTo;
      throw new DomainException(ErrorCode.StepUpRequired, { redirectTo: subject.stepUpPath });
    }
    return lookup.principal;
  }

  /**
   * The same check for pages that answer the browser themselves whatever its Accept header (an
   * OIDC interaction): redirects (303) instead of throwing, and then returns null.
   */
  async requireOrRedirect<P>(
    request: Request,
    response: Response,
    subject: SessionSubject<P>,
    options: SessionCheckOptions<P>,
  ): Promise<P | null> {
    try {
      return await this.require(request, subject, options);
    } catch (error) {
      if (!(error instanceof DomainException) || !error.redirectTo) throw error;
      response.redirect(303, error.redirectTo);
      return null;
    }
  }
}

/** Ends the session; a new one remembers where to come back to after login, if anywhere. */
async function restart(request: Request, returnTo: string | undefined): Promise<void> {
  if (!request.session) return;
  if (!returnTo) return promisify((done: (error?: unknown) => void) => request.session.destroy(done))();
  await promisify((done: (error?: unknown) => void) => request.session.regenerate(done))();
  request.session.returnTo = returnTo;
}
