import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEnvironment, freePort, type TestEnvironment } from '@relais/testing';
import * as client from 'openid-client';
import type request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate } from './delegation-helpers.js';

type Agent = ReturnType<typeof request.agent>;

/** The public service's side (openid-client), against the provider at `${issuer}/oidc`. */
export function relyingParty(issuer: string, credentials: { clientId: string; clientSecret: string }) {
  return client.discovery(new URL(`${issuer}/oidc`), credentials.clientId, credentials.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
}

/** An authorization request with PKCE (S256), state and nonce. */
export async function authorizationRequest(
  config: client.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile birth',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, codeVerifier, state, nonce };
}

/**
 * The aide's browser (logged in to the console): authorize → pick the citizen → confirm, up to
 * the provider's answer to the resumed authorization (a redirect to the service, or a page).
 */
export async function delegatedLoginResponse(browser: Agent, url: URL, citizenId: string, area: string) {
  const authorize = await browser.get(url.pathname + url.search);
  if (authorize.status !== 303) throw new Error(`authorize answered ${authorize.status}`);
  const interaction = authorize.headers.location as string;
  const confirmPage = await browser.get(`${interaction}/confirmation?citoyen=${citizenId}&demarche=${area}`);
  if (confirmPage.status !== 200) throw new Error(`confirmation page answered ${confirmPage.status}`);
  const confirmed = await browser
    .post(`${interaction}/confirmation`)
    .type('form')
    .send({ _csrf: hidden(confirmPage.text, '_csrf'), citoyen: citizenId, demarche: area });
  if (confirmed.status !== 303) throw new Error(`confirmation answered ${confirmed.status}`);
  const resume = new URL(confirmed.headers.location, 'http://resume.invalid');
  return browser.get(resume.pathname + resume.search);
}

/** The whole code flow: the delegated login, then the token request; returns the tokens. */
export async function delegatedTokens(
  browser: Agent,
  config: client.Configuration,
  redirectUri: string,
  citizenId: string,
  area: string,
) {
  const authorization = await authorizationRequest(config, redirectUri);
  const back = await delegatedLoginResponse(browser, authorization.url, citizenId, area);
  if (back.status !== 303) throw new Error(`resume answered ${back.status}`);
  return client.authorizationCodeGrant(config, new URL(back.headers.location), {
    pkceCodeVerifier: authorization.codeVerifier,
    expectedState: authorization.state,
    expectedNonce: authorization.nonce,
  });
}

/** A console listening on a free port as the provider's issuer, a trained aide and Marie's mandate. */
export interface ProviderScene {
  env: TestEnvironment;
  app: NestExpressApplication;
  issuer: string;
  db: DataSource;
  structureId: string;
  aide: TestMember;
  marie: { mandateId: string; citizenId: string };
  close(): Promise<void>;
}

export async function startProviderScene(aideEmail: string, areas: string[]): Promise<ProviderScene> {
  const env = await createTestEnvironment();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  process.env.ISSUER = issuer;
  const app = await startConsole();
  await app.listen(port, '127.0.0.1');
  const structureId = await createStructure(app, 'France Services Belleville');
  const aide = await createMember(app, structureId, aideEmail);
  const marie = await consentedMandate(app, structureId, aide.aideId, areas, {
    givenName: 'Marie-Thérèse',
    familyName: 'Lefèvre',
  });
  return {
    env,
    app,
    issuer,
    db: app.get(DataSource),
    structureId,
    aide,
    marie,
    async close() {
      await app.close();
      await env.dispose();
      delete process.env.ISSUER;
    },
  };
}
