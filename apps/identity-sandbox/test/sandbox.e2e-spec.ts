import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { accessibilityViolations, CitizenUserAgent, launchBrowser } from '@relais/testing';
import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { findIdentityByKey } from '../src/identities/test-identities.js';
import { loadSandboxConfig } from '../src/sandbox-config.js';
import { type RunningSandbox, startSandbox } from '../src/sandbox.js';

const SCOPE = 'openid identite_pivot email preferred_username';
// Signed userinfo (FranceConnect v2) also carries the JWT's own claims.
const JWT_CLAIMS = ['iss', 'aud', 'iat', 'exp'];

function identityClaims(userinfo: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(userinfo).filter(([name]) => !JWT_CLAIMS.includes(name)));
}

/** The service's callback: a page that only says it was reached (Chromium needs something to load). */
async function startCallbackServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="fr"><title>Relais</title><h1>Retour sur Relais</h1></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/franceconnect/callback` };
}

interface AuthorizationRequest {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

describe('identity sandbox (FranceConnect stand-in) seen by an openid-client relying party', () => {
  let sandbox: RunningSandbox;
  let relyingParty: client.Configuration;
  let callbackServer: Server;
  let CALLBACK: string;

  /** What Relais does before sending the citizen to FranceConnect. */
  async function authorizationRequest(parameters: Record<string, string> = {}): Promise<AuthorizationRequest> {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(relyingParty, {
      redirect_uri: CALLBACK,
      scope: SCOPE,
      acr_values: 'eidas1',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...parameters,
    });
    return { url, codeVerifier, state, nonce };
  }

  function citizen(): CitizenUserAgent {
    return new CitizenUserAgent(new URL(sandbox.issuer).origin);
  }

  function exchange(callback: URL, request: AuthorizationRequest) {
    return client.authorizationCodeGrant(relyingParty, callback, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
  }

  beforeAll(async () => {
    ({ server: callbackServer, url: CALLBACK } = await startCallbackServer());
    sandbox = await startSandbox({
      ...loadSandboxConfig({ SANDBOX_EXTRA_REDIRECT_URIS: CALLBACK }),
      port: 0,
    });
    relyingParty = await client.discovery(
      new URL(sandbox.issuer),
      'relais-local',
      { id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'ES256' },
      client.ClientSecretPost('relais-local-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    // Verify the ID token's and userinfo's signatures against the sandbox's JWKS too.
    client.enableNonRepudiationChecks(relyingParty);
  });

  afterAll(async () => {
    await sandbox?.close();
    callbackServer?.close();
  });

  it('given the discovery document, when a service reads it, then it shows FranceConnect conventions', () => {
    const metadata = relyingParty.serverMetadata();

    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256']);
    expect(metadata.acr_values_supported).toEqual(['eidas1']);
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'birth', 'identite_pivot', 'given_name', 'birthplace', 'email']),
    );
    expect(metadata.authorization_endpoint).toBe(`${sandbox.issuer}/api/v2/authorize`);
  });

  it('given Marie-Thérèse (accented compound names), when she picks her identity, then the service gets an ES256 ID token with acr eidas1 and her FranceConnect claims', async () => {
    const request = await authorizationRequest();
    const callback = await citizen().authorize(request.url, 'marie-therese');

    const tokens = await exchange(callback, request);
    const idToken = tokens.claims()!;
    const userinfo = await client.fetchUserInfo(relyingParty, tokens.access_token, idToken.sub);

    const expected = findIdentityByKey('marie-therese')!.claims;
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');
    expect(idToken).toMatchObject({ iss: sandbox.issuer, aud: 'relais-local', acr: 'eidas1', sub: expected.sub });
    expect(identityClaims(userinfo)).toEqual({
      sub: expected.sub,
      given_name: 'Marie-Thérèse Hélène',
      family_name: 'Lefèvre-Ndiaye',
      birthdate: '1948-03-17',
      gender: 'female',
      birthplace: '75112',
      birthcountry: '99100',
      email: 'marie-therese.lefevre-ndiaye@example.fr',
    });
  });

  it('given Youssef (born in Morocco), when he logs in, then birthplace is an empty string and birthcountry is 99350', async () => {
    const request = await authorizationRequest();
    const callback = await citizen().authorize(request.url, 'youssef');

    const tokens = await exchange(callback, request);
    const userinfo = await client.fetchUserInfo(relyingParty, tokens.access_token, tokens.claims()!.sub);

    expect(userinfo).toMatchObject({
      given_name: 'Youssef Karim',
      family_name: 'El Amrani',
      gender: 'male',
      birthplace: '',
      birthcountry: '99350',
    });
  });

  it('given Jeanne (usage name), when she logs in, then preferred_username carries her usage name and family_name her birth name', async () => {
    const request = await authorizationRequest();
    const callback = await citizen().authorize(request.url, 'jeanne');

    const tokens = await exchange(callback, request);
    const userinfo = await client.fetchUserInfo(relyingParty, tokens.access_token, tokens.claims()!.sub);

    expect(userinfo).toMatchObject({ family_name: 'Martin', preferred_username: 'Dupont' });
  });

  it('given the birth scope only, when a citizen logs in, then userinfo carries no other identity claim', async () => {
    const request = await authorizationRequest({ scope: 'openid birth' });
    const callback = await citizen().authorize(request.url, 'marie-therese');

    const tokens = await exchange(callback, request);
    const userinfo = await client.fetchUserInfo(relyingParty, tokens.access_token, tokens.claims()!.sub);

    expect(identityClaims(userinfo)).toEqual({ sub: tokens.claims()!.sub, birthplace: '75112', birthcountry: '99100' });
  });

  it('given a client registered with userinfo_signed_response_alg, when userinfo is fetched, then it is an ES256-signed JWT', async () => {
    const request = await authorizationRequest();
    const tokens = await exchange(await citizen().authorize(request.url, 'jean-pierre'), request);

    const response = await fetch(relyingParty.serverMetadata().userinfo_endpoint!, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });

    expect(response.headers.get('content-type')).toContain('application/jwt');
    expect(decodeProtectedHeader(await response.text()).alg).toBe('ES256');
  });

  it('given a redirect_uri the service did not register, when the browser is sent to authorize, then the sandbox refuses without redirecting to it', async () => {
    const request = await authorizationRequest({ redirect_uri: 'https://attacker.example/callback' });

    const response = await citizen().send(request.url);

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it('given an authorization code already exchanged, when it is replayed, then the token endpoint refuses it', async () => {
    const request = await authorizationRequest();
    const callback = await citizen().authorize(request.url, 'marie-therese');
    await exchange(callback, request);

    await expect(exchange(callback, request)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('given a PKCE verifier that does not match the challenge, when the code is exchanged, then the token endpoint refuses it', async () => {
    const request = await authorizationRequest();
    const callback = await citizen().authorize(request.url, 'marie-therese');

    await expect(
      exchange(callback, { ...request, codeVerifier: client.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('given an authorization request without PKCE, when it reaches the sandbox, then the service gets invalid_request back', async () => {
    const request = await authorizationRequest();
    request.url.searchParams.delete('code_challenge');
    request.url.searchParams.delete('code_challenge_method');

    const response = await citizen().send(request.url);

    const callback = new URL(response.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('given an ID token whose nonce is not the one the service sent, when openid-client checks it, then it rejects the response', async () => {
    const request = await authorizationRequest();
    const callback = await citizen().authorize(request.url, 'marie-therese');

    const error = await exchange(callback, { ...request, nonce: client.randomNonce() }).catch((caught) => caught);

    expect(error).toBeInstanceOf(client.ClientError);
    expect(error.code).toBe('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    expect(error.cause.message).toBe('unexpected ID Token "nonce" claim value');
  });

  it('given a citizen who cancels on the login page, when the sandbox sends them back, then the service gets access_denied with its state', async () => {
    const request = await authorizationRequest();

    const callback = await citizen().authorize(request.url, null);

    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
  });

  it('given an interaction address without its cookie, when it is opened, then a French error page is shown', async () => {
    const request = await authorizationRequest();
    const interaction = (await citizen().send(request.url)).headers.get('location')!;

    const response = await citizen().send(new URL(interaction, sandbox.issuer));

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Cette demande de connexion a expiré');
  });

  describe('in Chromium', () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    async function openPage(): Promise<Page> {
      const context = await browser.newContext({ locale: 'fr-FR' });
      contexts.push(context);
      return context.newPage();
    }

    async function pickInBrowser(page: Page, identity: string, request: AuthorizationRequest): Promise<URL> {
      await page.goto(request.url.href);
      await page.getByRole('button', { name: `Choisir ${identity}` }).click();
      await page.waitForURL((url) => url.href.startsWith(CALLBACK), { timeout: 10_000 });
      return new URL(page.url());
    }

    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);

    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('given the login page, when axe checks it against WCAG 2.2 A and AA, then it finds no violation', async () => {
      const page = await openPage();
      const request = await authorizationRequest();

      const response = await page.goto(request.url.href);

      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
      await expect(page.locator('h1').textContent()).resolves.toBe('Choisissez une identité de test');
      await expect(page.getByRole('link', { name: 'Retour à FranceConnect' }).getAttribute('href')).resolves.toBe('/');
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('given the home page, when axe checks it, then it finds no violation', async () => {
      const page = await openPage();

      await page.goto(`${sandbox.issuer}/`);

      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('given two citizens one after the other on the same browser, when each picks an identity, then each is asked and the service gets each one', async () => {
      const page = await openPage();
      const first = await authorizationRequest();
      const firstTokens = await exchange(
        await pickInBrowser(page, 'Marie-Thérèse Hélène Lefèvre-Ndiaye', first),
        first,
      );

      const second = await authorizationRequest();
      const secondTokens = await exchange(await pickInBrowser(page, 'Youssef Karim El Amrani', second), second);

      expect(firstTokens.claims()!.sub).toBe(findIdentityByKey('marie-therese')!.claims.sub);
      expect(secondTokens.claims()!.sub).toBe(findIdentityByKey('youssef')!.claims.sub);
    });
  });
});
