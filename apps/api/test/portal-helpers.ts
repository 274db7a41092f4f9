import type { NestExpressApplication } from '@nestjs/platform-express';
import { SessionRedis } from '@relais/auth';
import { DelegationOpener } from '@relais/delegation';
import { PublicService } from '@relais/public-services';
import {
  CitizenUserAgent,
  createTestEnvironment,
  freePort,
  startTestIdentitySandbox,
  type TestEnvironment,
  type TestIdentitySandbox,
} from '@relais/testing';
import { DataSource } from 'typeorm';

import { findIdentityByKey } from '../../identity-sandbox/src/identities/test-identities.js';
import { startConsole } from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';

/** A consented mandate for a sandbox test identity (its FranceConnect sub), as FranceConnect names them. */
export async function mandateFor(
  app: NestExpressApplication,
  place: { structureId: string; aideId: string },
  identityKey: string,
  areas: string[],
): Promise<{ mandateId: string; citizenId: string }> {
  const identity = findIdentityByKey(identityKey)!.claims;
  return consentedMandate(app, place.structureId, place.aideId, areas, {
    givenName: identity.given_name,
    familyName: identity.family_name,
    birthdate: identity.birthdate,
    sub: identity.sub,
  });
}

/** A public service serving `areas`, as registered by the operator. */
export async function publicService(app: NestExpressApplication, name: string, areas: string[]) {
  const { clientId } = await registerService(app, name, areas, 'https://service.example.fr/callback');
  return app.get(DataSource).manager.findOneByOrFail(PublicService, { clientId });
}

/** A delegated login through the real opener: the one "usable now?" rule decides. */
export const delegatedLogin = (
  app: NestExpressApplication,
  place: { structureId: string; aideId: string },
  service: PublicService,
  choice: { citizenId: string; area: string },
) => app.get(DelegationOpener).open(place, service, choice as Parameters<DelegationOpener['open']>[2], ['pwd', 'otp']);

const BROWSER = { accept: 'text/html,application/xhtml+xml' };

/**
 * A citizen's browser without a browser: one cookie jar for Relais and the sandbox. logIn walks
 * /usager/connexion/franceconnect → the sandbox (picks the identity) → the portal's callback.
 */
export class PortalVisitor extends CitizenUserAgent {
  constructor(
    private readonly baseUrl: string,
    sandboxIssuer: string,
  ) {
    super(new URL(sandboxIssuer).origin);
  }

  /** Relais answers a browser (pages, 303 to log in) as it asks for HTML. */
  get(path: string): Promise<Response> {
    return this.send(new URL(path, this.baseUrl), undefined, BROWSER);
  }

  post(path: string, form: Record<string, string>): Promise<Response> {
    return this.send(new URL(path, this.baseUrl), form, BROWSER);
  }

  async logIn(identityKey: string): Promise<Response> {
    const start = await this.get('/usager/connexion/franceconnect');
    const callback = await this.authorize(new URL(start.headers.get('location')!), identityKey);
    return this.send(callback, undefined, BROWSER);
  }
}

/** The Redis key of the session a visitor's cookie names. */
export async function sessionKey(app: NestExpressApplication, cookie: string): Promise<string> {
  const sid = decodeURIComponent(cookie)
    .replace(/^s:/, '')
    .replace(/\.[^.]*$/, '');
  return `${app.get(SessionRedis).prefix}session:${sid}`;
}

export interface RunningPortal {
  env: TestEnvironment;
  sandbox: TestIdentitySandbox;
  app: NestExpressApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** The api on a free port with the identity sandbox as FranceConnect, the portal's addresses registered there. */
export async function startPortal(): Promise<RunningPortal> {
  const env = await createTestEnvironment();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const sandbox = await startTestIdentitySandbox({
    // The consent's callback too, for suites that walk a consent on the same app (hostile input).
    redirectUris: [`${baseUrl}/usager/connexion/retour`, `${baseUrl}/franceconnect/callback`],
    postLogoutRedirectUris: [`${baseUrl}/usager/au-revoir`],
  });
  Object.assign(process.env, { ISSUER: baseUrl, FRANCECONNECT_ISSUER: sandbox.issuer });
  const app = await startConsole();
  await app.listen(port, '127.0.0.1');
  return {
    env,
    sandbox,
    app,
    baseUrl,
    close: async () => {
      await app.close();
      await sandbox.close();
      await env.dispose();
      delete process.env.ISSUER;
    },
  };
}
