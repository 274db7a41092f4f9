import type { NestExpressApplication } from '@nestjs/platform-express';
import { securityHeaders } from '@relais/web';
import express from 'express';
import * as client from 'openid-client';
import request from 'supertest';

import { hidden, logIn, type TestMember } from './console-helpers.js';
import { registerService } from './delegation-helpers.js';
import {
  authorizationRequest,
  delegatedLoginResponse,
  delegatedTokens,
  relyingParty,
  startProviderScene,
  type ProviderScene,
} from './provider-flow.js';

type Agent = ReturnType<typeof request.agent>;
const CALLBACK = 'http://localhost:3200/callback';
const SERVICE_ORIGIN = 'http://localhost:3200';

/** The console's headers, on every response under /oidc. */
function expectConsoleHeaders(response: request.Response) {
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('same-origin');
  expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  // Behind http (this test), no HSTS; see the https case below.
  expect(response.headers['strict-transport-security']).toBeUndefined();
}

describe('the OpenID provider’s own pages and headers are Relais’', () => {
  let scene: ProviderScene;
  let app: NestExpressApplication;
  let issuer: string;
  let aide: TestMember;
  let agent: Agent;
  let service: { clientId: string; clientSecret: string };
  let marie: { mandateId: string; citizenId: string };

  beforeAll(async () => {
    scene = await startProviderScene('aidant.entetes@example.fr', ['papers', 'money']);
    ({ app, issuer, aide, marie } = scene);
    agent = await logIn(app, aide);
    service = await registerService(app, 'Impôts de démonstration', ['papers', 'money'], CALLBACK);
  }, 60_000);

  afterAll(() => scene?.close());

  it('every /oidc endpoint carries the console’s headers; the cross-origin ones keep CORS', async () => {
    const config = await relyingParty(issuer, service);
    const tokens = await delegatedTokens(agent, config, CALLBACK, marie.citizenId, 'papers');
    const basic = `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret}`).toString('base64')}`;
    const origin = { origin: SERVICE_ORIGIN };

    const discovery = await request(issuer).get('/oidc/.well-known/openid-configuration').set(origin).expect(200);
    const jwks = await request(issuer).get('/oidc/jwks').set(origin).expect(200);
    const userinfo = await request(issuer)
      .get('/oidc/me')
      .set(origin)
      .set('authorization', `Bearer ${tokens.access_token}`)
      .expect(200);
    // userinfo answers CORS only to the service's own origins (its redirect URIs').
    const foreign = await request(issuer)
      .get('/oidc/me')
      .set('origin', 'https://ailleurs.example')
      .set('authorization', `Bearer ${tokens.access_token}`);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(issuer)
      .options('/oidc/me')
      .set(origin)
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization');
    expect(preflight.status).toBe(204);
    for (const response of [discovery, jwks, userinfo, preflight]) {
      expectConsoleHeaders(response);
      expect(response.headers['access-control-allow-origin']).toBe(SERVICE_ORIGIN);
      expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    }

    const authorization = await authorizationRequest(config, CALLBACK);
    const auth = await agent.get(authorization.url.pathname + authorization.url.search).expect(303);
    const token = await request(issuer)
      .post('/oidc/token')
      .set(origin)
      .set('authorization', basic)
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: 'inconnu',
        redirect_uri: CALLBACK,
        code_verifier: 'x'.repeat(43),
      })
      .expect(400);
    expect(token.body.error).toBe('invalid_grant');
    expect(token.headers['access-control-allow-origin']).toBe(SERVICE_ORIGIN);
    expect(token.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const noToken = await request(issuer).get('/oidc/me').expect(401);
    const revocation = await request(issuer)
      .post('/oidc/token/revocation')
      .set('authorization', basic)
      .type('form')
      .send({ token: tokens.access_token })
      .expect(200);
    const endSession = await request(issuer).get('/oidc/session/end').expect(200);
    const endSessionSuccess = await request(issuer).get('/oidc/session/end/success').expect(200);
    const errorPage = await request(issuer)
      .get('/oidc/auth?client_id=inconnu&response_type=code&scope=openid')
      .set('accept', 'text/html')
      .expect(400);
    const unknownRoute = await request(issuer).get('/oidc/inconnu').expect(404);
    for (const response of [auth, token, noToken, revocation, endSession, endSessionSuccess, errorPage, unknownRoute]) {
      expectConsoleHeaders(response);
    }
    expect(await request(issuer).get('/oidc/introspection')).toMatchObject({ status: 404 });
  }, 60_000);

  it('HSTS is sent behind https', async () => {
    const https = express();
    https.use(securityHeaders({ ISSUER: 'https://relais.example.fr' } as Parameters<typeof securityHeaders>[0]));
    https.get('/', (_req, res) => {
      res.send('ok');
    });
    const response = await request(https).get('/').expect(200);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('form_post: a French DSFR page with a visible button, no script, whose form may reach the service', async () => {
    const config = await relyingParty(issuer, service);
    const authorization = await authorizationRequest(config, CALLBACK, { response_mode: 'form_post' });
    const page = await delegatedLoginResponse(agent, authorization.url, marie.citizenId, 'money');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr"');
    expect(page.text).toContain('fr-header');
    expect(page.text).toContain('Retour sur Impôts de démonstration');
    expect(page.text).toMatch(/<button class="fr-btn" type="submit">Continuer<\/button>/);
    expect(page.text).toContain(`action="${CALLBACK}"`);
    expect(hidden(page.text, 'state')).toBe(authorization.state);
    expect(hidden(page.text, 'code')).toMatch(/\S{20,}/);
    expect(page.text).not.toMatch(/<script(?![^>]*src=)/);
    expect(page.text).not.toContain('Submitting Callback');
    expect(page.text).not.toContain('JavaScript');
    expectConsoleHeaders(page);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain(`form-action 'self' ${SERVICE_ORIGIN}`);
    expect(csp).not.toContain('sha256-');
  });

  it('logout without a provider session, logout confirmation and logout done: French pages with visible buttons', async () => {
    // No session: the provider would post a hidden form by itself; Relais shows it with a button.
    const browser = request.agent(app.getHttpServer());
    const noSession = await browser.get('/oidc/session/end').expect(200);
    expect(noSession.text).toContain('<html lang="fr"');
    expect(noSession.text).toContain('<h1>Déconnexion</h1>');
    expect(noSession.text).toMatch(/<button class="fr-btn" type="submit">Continuer<\/button>/);
    expect(hidden(noSession.text, 'logout')).toBe('yes');
    expect(noSession.text).not.toContain('Submitting Callback');
    const done = await browser
      .post('/oidc/session/end/confirm')
      .type('form')
      .send({ xsrf: hidden(noSession.text, 'xsrf'), logout: 'yes' })
      .expect(303);
    const success = await browser.get(new URL(done.headers.location).pathname).expect(200);
    expect(success.text).toContain('Vous êtes déconnecté');

    // With a session and the service's post-logout address: the confirmation may redirect there.
    const config = await relyingParty(issuer, service);
    const tokens = await delegatedTokens(agent, config, CALLBACK, marie.citizenId, 'money');
    const logout = await agent
      .get('/oidc/session/end')
      .query({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${SERVICE_ORIGIN}/` })
      .expect(200);
    expect(logout.text).toContain('Se déconnecter de Impôts de démonstration ?');
    expect(logout.text).toContain('Oui, me déconnecter');
    expect(logout.headers['content-security-policy']).toContain(`form-action 'self' ${SERVICE_ORIGIN}`);
    expectConsoleHeaders(logout);
  }, 60_000);

  it('a service logging out an earlier delegated login does not end the current one', async () => {
    const other = await registerService(app, 'CAF de démonstration', ['money'], CALLBACK);
    const browser = await logIn(app, aide);
    const earlier = await delegatedTokens(
      browser,
      await relyingParty(issuer, service),
      CALLBACK,
      marie.citizenId,
      'papers',
    );
    const otherConfig = await relyingParty(issuer, other);
    const current = await delegatedTokens(browser, otherConfig, CALLBACK, marie.citizenId, 'money');

    const logout = await browser
      .get('/oidc/session/end')
      .query({ id_token_hint: earlier.id_token!, post_logout_redirect_uri: `${SERVICE_ORIGIN}/`, state: 'etat-1' })
      .expect(200);
    expect(logout.text).toContain('Cette connexion pour le compte d’une personne est déjà terminée sur Relais.');
    expect(logout.text).toContain(`href="${SERVICE_ORIGIN}/?state=etat-1"`);
    expect(logout.text).not.toContain('name="logout"');
    expect(logout.text).not.toContain('<form');
    // The current delegated login still answers.
    await client.fetchUserInfo(otherConfig, current.access_token, current.claims()!.sub);

    // Its own service's logout asks, as usual.
    const own = await browser
      .get('/oidc/session/end')
      .query({ id_token_hint: current.id_token!, post_logout_redirect_uri: `${SERVICE_ORIGIN}/` })
      .expect(200);
    expect(own.text).toContain('Se déconnecter de CAF de démonstration ?');
    expect(own.text).toContain('name="logout"');
  }, 60_000);
});
