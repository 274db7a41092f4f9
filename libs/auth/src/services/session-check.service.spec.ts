import { DomainException, ErrorCode } from '@relais/exceptions';
import type { Request, Response } from 'express';

import type { SessionLookup, SessionSubject } from '../interfaces/session-subject.interface.js';
import { SESSION_ABSOLUTE_MS, STEP_UP_IDLE_MS } from '../session-data.js';
import { SessionCheck } from './session-check.service.js';

interface FakeSession {
  personId?: string;
  loginAt?: number;
  lastSeenAt?: number;
  stepUpNeeded?: boolean;
  returnTo?: string;
  destroy(done: () => void): void;
  regenerate(done: () => void): void;
}

/** A request whose session behaves as express-session's for what the check uses. */
function requestWith(fields: Partial<FakeSession>): Request & { session: FakeSession } {
  const request = { session: undefined as unknown as FakeSession };
  const fresh = (values: Partial<FakeSession>): FakeSession => ({
    ...values,
    destroy: (done) => {
      delete (request as { session?: FakeSession }).session;
      done();
    },
    regenerate: (done) => {
      request.session = fresh({});
      done();
    },
  });
  request.session = fresh(fields);
  return request as unknown as Request & { session: FakeSession };
}

/** A citizen-like subject: any id in the session, its own login pages. */
function subject(lookup: SessionLookup<string> = { principal: 'principal' }): SessionSubject<string> {
  return {
    loginPath: '/portail/connexion',
    stepUpPath: '/portail/confirmation',
    loggedIn: (session) => (session as unknown as FakeSession).personId,
    load: async () => lookup,
  };
}

async function thrown(promise: Promise<unknown>): Promise<DomainException> {
  return promise.then(
    () => {
      throw new Error('expected a DomainException');
    },
    (error: DomainException) => error,
  );
}

describe('SessionCheck: one check for every logged-in page', () => {
  const check = new SessionCheck();
  const now = Date.now();

  it('lets a live, recent session through and records the request time', async () => {
    // Given someone logged in a minute ago
    const request = requestWith({ personId: 'p', loginAt: now - 60_000, lastSeenAt: now - 60_000 });
    // When a sensitive page checks the session
    const principal = await check.require(request, subject(), { stepUp: true });
    // Then they are who the subject loads, and the request time moves on
    expect(principal).toBe('principal');
    expect(request.session.lastSeenAt).toBeGreaterThanOrEqual(now);
  });

  it('leaves the idle clock as it was within a minute of the last recorded request', async () => {
    // Given someone whose last recorded request was 59 seconds ago
    const request = requestWith({ personId: 'p', loginAt: now - 120_000, lastSeenAt: now - 59_000 });
    // When a page checks the session
    await check.require(request, subject(), { stepUp: true });
    // Then the clock stays (nothing to write back): it moves by the minute
    expect(request.session.lastSeenAt).toBe(now - 59_000);
  });

  it('sends nobody to the subject’s login page, ending the session', async () => {
    // Given a session naming nobody
    const request = requestWith({});
    // When / Then 401 towards the subject's own login page, session gone
    const error = await thrown(check.require(request, subject(), { stepUp: false }));
    expect(error.code).toBe(ErrorCode.Unauthorized);
    expect(error.redirectTo).toBe('/portail/connexion');
    expect(request.session).toBeUndefined();
  });

  it('ends a session logged in more than 12 hours ago, but remembers an interaction to resume', async () => {
    // Given a session past its absolute lifetime, on an OIDC interaction page
    const request = requestWith({ personId: 'p', loginAt: now - SESSION_ABSOLUTE_MS - 1, lastSeenAt: now });
    // When the page checks with returnAfterLogin
    const error = await thrown(
      check.require(request, subject(), { stepUp: true, returnTo: '/delegation/abc', returnAfterLogin: true }),
    );
    // Then a new session, which only knows where to come back after login
    expect(error.redirectTo).toBe('/portail/connexion');
    expect(request.session.personId).toBeUndefined();
    expect(request.session.returnTo).toBe('/delegation/abc');
  });

  it('counts a session without a last request time as idle: a sensitive page asks for a code', async () => {
    // Given a live session that never recorded a request time
    const request = requestWith({ personId: 'p', loginAt: now });
    // When a sensitive page checks it
    const error = await thrown(check.require(request, subject(), { stepUp: true, returnTo: '/mandats/nouveau' }));
    // Then step-up, and back to the page afterwards
    expect(error.code).toBe(ErrorCode.StepUpRequired);
    expect(error.redirectTo).toBe('/portail/confirmation');
    expect(request.session.stepUpNeeded).toBe(true);
    expect(request.session.returnTo).toBe('/mandats/nouveau');
  });

  it('marks 15 minutes idle on an ordinary page, and asks for the code at the next sensitive one', async () => {
    // Given a session idle for more than 15 minutes
    const request = requestWith({
      personId: 'p',
      loginAt: now - STEP_UP_IDLE_MS * 2,
      lastSeenAt: now - STEP_UP_IDLE_MS - 1,
    });
    // When an ordinary page, then a sensitive one, check it
    await check.require(request, subject(), { stepUp: false });
    const error = await thrown(check.require(request, subject(), { stepUp: true }));
    // Then the ordinary page passed, the sensitive one asks for a code
    expect(error.code).toBe(ErrorCode.StepUpRequired);
  });

  it('refuses with 403, before any step-up, a principal the page does not allow', async () => {
    // Given an idle session of someone the page does not allow
    const request = requestWith({ personId: 'p', loginAt: now, lastSeenAt: now - STEP_UP_IDLE_MS - 1 });
    // When / Then
    const error = await thrown(check.require(request, subject(), { stepUp: true, allow: () => false }));
    expect(error.code).toBe(ErrorCode.Forbidden);
  });

  it('lets the page decide what a deactivated principal sees', async () => {
    // Given a session naming someone deactivated meanwhile
    const request = requestWith({ personId: 'p', loginAt: now, lastSeenAt: now });
    const onGone = async (): Promise<never> => {
      throw new DomainException(ErrorCode.AideDeactivated);
    };
    // When / Then the page's answer, the session kept
    const error = await thrown(check.require(request, subject({ gone: true }), { stepUp: true, onGone }));
    expect(error.code).toBe(ErrorCode.AideDeactivated);
    expect(request.session.personId).toBe('p');
  });

  it('redirects by itself for pages that answer the browser whatever it accepts', async () => {
    // Given a session that needs a choice first (e.g. the structure), on an interaction page
    const request = requestWith({ personId: 'p', loginAt: now, lastSeenAt: now });
    const choose = { choose: { code: ErrorCode.StructureChoiceRequired, redirectTo: '/structure' } };
    const redirects: [number, string][] = [];
    const response = { redirect: (status: number, to: string) => redirects.push([status, to]) } as unknown as Response;
    // When
    const principal = await check.requireOrRedirect(request, response, subject(choose), {
      stepUp: true,
      returnTo: '/delegation/abc',
      returnAfterLogin: true,
    });
    // Then a 303 to the choice, and back to the interaction afterwards
    expect(principal).toBeNull();
    expect(redirects).toEqual([[303, '/structure']]);
    expect(request.session.returnTo).toBe('/delegation/abc');
  });
});
