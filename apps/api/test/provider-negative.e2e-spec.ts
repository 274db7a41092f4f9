import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { OIDC_REDIS, CLIENT_AUTH_FAILURES_PER_CLIENT, MAX_STATE_NONCE_LENGTH } from '@relais/delegation';
import { AuditActorType } from '@relais/audit';
import { PublicServicesService } from '@relais/public-services';
import { oidcKeyPrefix } from '@relais/redis';
import * as client from 'openid-client';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { logIn, type TestMember } from './console-helpers.js';
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

/**
 * The negative suite of the OpenID provider, each case against the real provider. Already covered
 * in delegation.e2e-spec.ts: unknown client, disabled client, a redirect URI of another origin,
 * a replayed code (invalid_grant), a wrong PKCE verifier, userinfo after the area's revocation.
 */
describe('the OpenID provider refuses what it must', () => {
  let scene: ProviderScene;
  let app: NestExpressApplication;
  let issuer: string;
  let db: DataSource;
  let aide: TestMember;
  let agent: Agent;
  let service: { clientId: string; clientSecret: string };
  let marie: { mandateId: string; citizenId: string };

  /** The provider's answer to an authorization request, from the aide's browser. */
  async function authorize(extra: Record<string, string>, credentials = service) {
    const { url } = await authorizationRequest(await relyingParty(issuer, credentials), CALLBACK, extra);
    return agent.get(url.pathname + url.search).set('accept', 'text/html');
  }

  /** The error sent back to the service's redirect URI (as the spec wants for a known client and URI). */
  function redirectedError(response: request.Response) {
    expect(response.status).toBe(303);
    const location = new URL(response.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    return Object.fromEntries(location.searchParams);
  }

  beforeAll(async () => {
    scene = await startProviderScene('aidant.negatif@example.fr', ['papers', 'money']);
    ({ app, issuer, db, aide, marie } = scene);
    agent = await logIn(app, aide);
    service = await registerService(app, 'Impôts de démonstration', ['papers', 'money'], CALLBACK);
  }, 60_000);

  afterAll(() => scene?.close());

  it('an unregistered redirect URI of the service’s own origin: a French page, no redirect', async () => {
    for (const extra of [{ redirect_uri: `${CALLBACK}/autre` }, { redirect_uri: `${CALLBACK}?x=1` }]) {
      const refused = await authorize(extra);
      expect(refused.status).toBe(400);
      expect(refused.headers.location).toBeUndefined();
      expect(refused.text).toContain('Adresse de retour inconnue');
      expect(refused.text).toContain('<html lang="fr"');
    }
  });

  it('request and request_uri objects are refused (not supported), and nothing is fetched', async () => {
    const discovery = await request(issuer).get('/oidc/.well-known/openid-configuration').expect(200);
    expect(discovery.body.request_parameter_supported).toBeFalsy();
    expect(discovery.body.request_uri_parameter_supported).toBeFalsy();
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ client_id: service.clientId, redirect_uri: CALLBACK, scope: 'openid' }),
    ).toString('base64url')}.`;
    expect(redirectedError(await authorize({ request: unsigned })).error).toBe('request_not_supported');
    // A request_uri the provider could fetch: it never does.
    let fetched = 0;
    const objects = createServer((_req, res) => {
      fetched += 1;
      res.end(unsigned);
    });
    await new Promise<void>((resolve) => objects.listen(0, '127.0.0.1', resolve));
    const objectUri = `http://127.0.0.1:${(objects.address() as AddressInfo).port}/objet`;
    try {
      expect(redirectedError(await authorize({ request_uri: objectUri })).error).toBe('request_uri_not_supported');
    } finally {
      await new Promise((resolve) => objects.close(resolve));
    }
    expect(fetched).toBe(0);
  });

  it('prompt=none without a session answers login_required (with one, interaction_required: each login picks its citizen)', async () => {
    const anonymous = request.agent(app.getHttpServer());
    const { url } = await authorizationRequest(await relyingParty(issuer, service), CALLBACK, { prompt: 'none' });
    const refused = await anonymous.get(url.pathname + url.search);
    expect(redirectedError(refused).error).toBe('login_required');
    // After a delegated login in this browser, prompt=none still does not log in silently.
    await delegatedTokens(agent, await relyingParty(issuer, service), CALLBACK, marie.citizenId, 'papers');
    expect(redirectedError(await authorize({ prompt: 'none' })).error).toBe('interaction_required');
  });

  it('an oversized state or nonce is refused; the state is not echoed back', async () => {
    const long = 'a'.repeat(MAX_STATE_NONCE_LENGTH + 1);
    const state = redirectedError(await authorize({ state: long }));
    expect(state.error).toBe('invalid_request');
    expect(state.state).toBeUndefined();
    const nonce = redirectedError(await authorize({ nonce: long }));
    expect(nonce.error).toBe('invalid_request');
    // At the limit, accepted: the interaction starts.
    const fine = await authorize({ state: 'b'.repeat(MAX_STATE_NONCE_LENGTH) });
    expect(fine.status).toBe(303);
    expect(fine.headers.location).toMatch(/^\/delegation\//);
  });

  it('PKCE plain, or no code_challenge, is refused', async () => {
    const plain = redirectedError(await authorize({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }));
    expect(plain.error).toBe('invalid_request');
    const { url } = await authorizationRequest(await relyingParty(issuer, service), CALLBACK);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const missing = await agent.get(url.pathname + url.search);
    expect(redirectedError(missing).error).toBe('invalid_request');
  });

  it('a replayed code is refused and revokes the tokens of the first exchange', async () => {
    const config = await relyingParty(issuer, service);
    const authorization = await authorizationRequest(config, CALLBACK);
    const back = await delegatedLoginResponse(agent, authorization.url, marie.citizenId, 'money');
    const callback = new URL(back.headers.location);
    const checks = {
      pkceCodeVerifier: authorization.codeVerifier,
      expectedState: authorization.state,
      expectedNonce: authorization.nonce,
    };
    const first = await client.authorizationCodeGrant(config, callback, checks);
    await client.fetchUserInfo(config, first.access_token, first.claims()!.sub);
    await expect(client.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const userinfo = await fetch(`${issuer}/oidc/me`, { headers: { authorization: `Bearer ${first.access_token}` } });
    expect(userinfo.status).toBe(401);
  });

  it('at the token endpoint: a redirect_uri other than the authorization request’s, and a service disabled meanwhile, are refused', async () => {
    const config = await relyingParty(issuer, service);
    const authorization = await authorizationRequest(config, CALLBACK);
    const back = await delegatedLoginResponse(agent, authorization.url, marie.citizenId, 'papers');
    const code = new URL(back.headers.location).searchParams.get('code')!;
    const exchange = (credentials: { clientId: string; clientSecret: string }, redirectUri: string) =>
      request(issuer).post('/oidc/token').auth(credentials.clientId, credentials.clientSecret).type('form').send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: authorization.codeVerifier,
      });
    const mismatched = await exchange(service, `${CALLBACK}/autre`);
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.error).toBe('invalid_grant');

    // A service disabled after its tokens were issued: they stop at once; a new code is refused.
    const closing = await registerService(app, 'Service fermé', ['papers'], CALLBACK);
    const closingConfig = await relyingParty(issuer, closing);
    const tokens = await delegatedTokens(agent, closingConfig, CALLBACK, marie.citizenId, 'papers');
    const next = await authorizationRequest(closingConfig, CALLBACK);
    const nextBack = await delegatedLoginResponse(agent, next.url, marie.citizenId, 'papers');
    await app.get(PublicServicesService).disable(closing.clientId, { type: AuditActorType.Operator });
    const userinfo = await fetch(`${issuer}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    const refused = await request(issuer)
      .post('/oidc/token')
      .auth(closing.clientId, closing.clientSecret)
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: new URL(nextBack.headers.location).searchParams.get('code')!,
        redirect_uri: CALLBACK,
        code_verifier: next.codeVerifier,
      });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  it('wrong client secrets at the token endpoint: invalid_client, journaled, then 429 for that client (even with the right secret)', async () => {
    const target = await registerService(app, 'Service attaqué', ['papers'], CALLBACK);
    const tokenRequest = (secret: string) =>
      request(issuer)
        .post('/oidc/token')
        .auth(target.clientId, secret)
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK, code_verifier: 'v'.repeat(43) });
    for (let attempt = 0; attempt < CLIENT_AUTH_FAILURES_PER_CLIENT; attempt += 1) {
      const wrong = await tokenRequest('pas-le-bon-secret');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
    }
    const limited = await tokenRequest('pas-le-bon-secret');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toBe('temporarily_unavailable');
    // The right secret too, until the window ends: the secret is not even checked.
    expect((await tokenRequest(target.clientSecret)).status).toBe(429);
    expect(
      (
        await db.query(
          "SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'public_service.authentication_failed' AND actor_type = 'public_service' AND actor_id = $1 AND details->>'endpoint' = 'token'",
          [target.clientId],
        )
      )[0].n,
    ).toBe(CLIENT_AUTH_FAILURES_PER_CLIENT);
    // Another service from the same IP is not locked out by this one's limit.
    const other = await request(issuer)
      .post('/oidc/token')
      .auth(service.clientId, service.clientSecret)
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK, code_verifier: 'v'.repeat(43) });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_grant');
  });

  it('per IP: made-up client ids with wrong secrets are limited too, and not journaled', async () => {
    const redis = app.get(OIDC_REDIS);
    const ipKeys = await redis.keys(`${oidcKeyPrefix(scene.env.redisPrefix)}client-auth-failures:ip:*`);
    expect(ipKeys).toHaveLength(1);
    // The window already holds the failures above; fill it with made-up clients.
    let status = 401;
    let attempts = 0;
    while (status === 401 && attempts < 40) {
      attempts += 1;
      const response = await request(issuer)
        .post('/oidc/token')
        .auth(`ps_${attempts.toString(16).padStart(16, '0')}`, 'x')
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK });
      status = response.status;
    }
    expect(status).toBe(429);
    expect(Number(await redis.get(ipKeys[0]))).toBe(30);
    expect(
      (
        await db.query(
          "SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'public_service.authentication_failed' AND actor_id LIKE 'ps_0000%'",
        )
      )[0].n,
    ).toBe(0);
    // The limit is shared: every client from this IP now waits, the right secret included.
    const blocked = await request(issuer)
      .post('/oidc/token')
      .auth(service.clientId, service.clientSecret)
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK });
    expect(blocked.status).toBe(429);
    await redis.del(ipKeys[0]);
  });
});
