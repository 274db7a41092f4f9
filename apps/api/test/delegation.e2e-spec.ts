import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuditActorType } from '@relais/audit';
import { BIRTHDATE_MESSAGE } from '@relais/dates';
import { DelegationOpener, OIDC_REDIS, ProviderGrants } from '@relais/delegation';
import { type DomainException, ErrorCode } from '@relais/exceptions';
import { PublicServicesService } from '@relais/public-services';
import { ProcedureArea } from '@relais/structures';
import { createTestEnvironment, freePort, type TestEnvironment } from '@relais/testing';
import { oidcKeyPrefix } from '@relais/redis';
import * as client from 'openid-client';
import superagent from 'superagent';
import request from 'supertest';
import { DataSource } from 'typeorm';

import {
  createMember,
  createStructure,
  freshCode,
  hidden,
  logIn,
  PASSWORD,
  startConsole,
  type TestMember,
} from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';

type Agent = ReturnType<typeof request.agent>;
const CALLBACK = 'http://localhost:3200/callback';

describe('delegated login: Relais as OpenID provider for public services', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let second: NestExpressApplication;
  let issuer: string;
  let secondOrigin: string;
  let db: DataSource;
  let structureId: string;
  let aide: TestMember;
  let agent: Agent;
  let service: { clientId: string; clientSecret: string };
  let marie: { mandateId: string; citizenId: string };

  const count = async (sql: string, parameters: unknown[] = []) =>
    (await db.query(`SELECT count(*)::int AS n FROM ${sql}`, parameters))[0].n as number;

  async function relyingParty(credentials = service) {
    return client.discovery(new URL(`${issuer}/oidc`), credentials.clientId, credentials.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  }

  async function authorizationRequest(config: client.Configuration, extra: Record<string, string> = {}) {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile birth',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    return { url, codeVerifier, state, nonce };
  }

  /** The aide's browser: authorize → pick the citizen → confirm; returns the callback URL. */
  async function delegatedLogin(
    url: URL,
    citizenId: string,
    area: string | null,
    browser: Agent = agent,
    interactionBrowser: Agent = browser,
  ): Promise<URL> {
    const authorize = await browser.get(url.pathname + url.search).expect(303);
    const interaction = authorize.headers.location as string;
    expect(interaction).toMatch(/^\/delegation\/[\w-]+$/);
    const picker = await interactionBrowser.get(interaction).expect(200);
    expect(picker.text).toContain(citizenId);
    const confirmPath = `${interaction}/confirmation?citoyen=${citizenId}${area ? `&demarche=${area}` : ''}`;
    const confirmPage = await interactionBrowser.get(confirmPath).expect(200);
    const confirmed = await interactionBrowser
      .post(`${interaction}/confirmation`)
      .type('form')
      .send({
        _csrf: hidden(confirmPage.text, '_csrf'),
        citoyen: citizenId,
        demarche: hidden(confirmPage.text, 'demarche'),
      });
    expect(confirmed.status).toBe(303);
    const resume = new URL(confirmed.headers.location, issuer);
    // Straight back to the service, even after a delegated login for another citizen in this
    // browser: no intermediate (logout) page.
    const back = await interactionBrowser.get(resume.pathname + resume.search);
    expect(back.status).toBe(303);
    return new URL(back.headers.location);
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    process.env.ISSUER = issuer;
    app = await startConsole();
    await app.listen(port, '127.0.0.1');
    // A second api process (same database, same Redis, same configuration).
    second = await startConsole();
    await second.listen(0, '127.0.0.1');
    secondOrigin = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    db = app.get(DataSource);
    structureId = await createStructure(app, 'France Services Belleville');
    aide = await createMember(app, structureId, 'aidant.delegation@example.fr');
    await db.query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
    agent = await logIn(app, aide);
    service = await registerService(app, 'Impôts de démonstration', ['papers', 'money'], CALLBACK);
    marie = await consentedMandate(app, structureId, aide.aideId, ['papers', 'money'], {
      givenName: 'Marie-Thérèse',
      familyName: 'Lefèvre',
      birthdate: '1948-03-17',
    });
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await app?.close();
    await env?.dispose();
    delete process.env.ISSUER;
  });

  it('publishes discovery and a JWKS with ES256 and RS256 keys', async () => {
    const discovery = await request(issuer).get('/oidc/.well-known/openid-configuration').expect(200);
    expect(discovery.body.issuer).toBe(`${issuer}/oidc`);
    expect(discovery.body.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256']));
    expect(discovery.body.end_session_endpoint).toBeDefined();
    const jwks = await request(issuer).get('/oidc/jwks').expect(200);
    expect(jwks.body.keys.map((key: { alg: string }) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d":/);
  });

  it('logs the aide in to the public service for the citizen: claims, act, mandate, area, amr; journaled', async () => {
    const config = await relyingParty();
    const authorization = await authorizationRequest(config);
    const callback = await delegatedLogin(authorization.url, marie.citizenId, 'money');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: authorization.codeVerifier,
      expectedState: authorization.state,
      expectedNonce: authorization.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      given_name: 'Marie-Thérèse',
      family_name: 'Lefèvre',
      birthdate: '1948-03-17',
      acr: 'eidas1',
      amr: ['pwd', 'otp'],
      mandate_id: marie.mandateId,
      procedure_area: 'money',
      act: { sub: aide.aideId, given_name: 'Camille', family_name: 'Martin' },
    });
    expect((claims.act as { siret: string }).siret).toMatch(/^\d{14}$/);
    expect(claims.sub).not.toBe(marie.citizenId);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ given_name: 'Marie-Thérèse', birthplace: '75112', procedure_area: 'money' });
    expect(
      await count("audit_outbox WHERE action = 'delegation.logged_in' AND mandate_id = $1 AND actor_id = $2", [
        marie.mandateId,
        aide.aideId,
      ]),
    ).toBe(1);

    // The same citizen at another public service has another sub (pairwise).
    const other = await registerService(app, 'CAF de démonstration', ['money'], CALLBACK);
    const otherConfig = await relyingParty(other);
    const otherRequest = await authorizationRequest(otherConfig);
    const otherTokens = await client.authorizationCodeGrant(
      otherConfig,
      await delegatedLogin(otherRequest.url, marie.citizenId, null),
      {
        pkceCodeVerifier: otherRequest.codeVerifier,
        expectedState: otherRequest.state,
        expectedNonce: otherRequest.nonce,
      },
    );
    expect(otherTokens.claims()!.sub).not.toBe(claims.sub);
    expect(otherTokens.claims()!.procedure_area).toBe('money');

    // The same citizen at the same service again: the same sub (a new delegation, the same person).
    const againRequest = await authorizationRequest(config);
    const againTokens = await client.authorizationCodeGrant(
      config,
      await delegatedLogin(againRequest.url, marie.citizenId, 'papers'),
      {
        pkceCodeVerifier: againRequest.codeVerifier,
        expectedState: againRequest.state,
        expectedNonce: againRequest.nonce,
      },
    );
    expect(againTokens.claims()!.sub).toBe(claims.sub);
    expect(againTokens.claims()!.procedure_area).toBe('papers');
  });

  it('pre-selects the area the service asks for through the claims parameter', async () => {
    const config = await relyingParty();
    const authorization = await authorizationRequest(config, {
      claims: JSON.stringify({ id_token: { procedure_area: { value: 'papers' } } }),
    });
    const authorize = await agent.get(authorization.url.pathname + authorization.url.search).expect(303);
    const page = await agent.get(`${authorize.headers.location}/confirmation?citoyen=${marie.citizenId}`).expect(200);
    expect(page.text).toContain('Vous allez agir pour');
    expect(page.text).toContain('Papiers et citoyenneté');
    expect(hidden(page.text, 'demarche')).toBe('papers');
  });

  it('refuses a wrong redirect URI, a replayed code and a wrong PKCE verifier', async () => {
    const config = await relyingParty();
    const wrong = await authorizationRequest(config, { redirect_uri: 'https://evil.example/callback' });
    const refused = await agent.get(wrong.url.pathname + wrong.url.search);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Adresse de retour inconnue');
    expect(refused.text).not.toContain('invalid_redirect_uri');
    expect(refused.headers.location).toBeUndefined();

    const authorization = await authorizationRequest(config);
    const callback = await delegatedLogin(authorization.url, marie.citizenId, 'papers');
    const checks = {
      pkceCodeVerifier: authorization.codeVerifier,
      expectedState: authorization.state,
      expectedNonce: authorization.nonce,
    };
    await expect(
      client.authorizationCodeGrant(config, callback, { ...checks, pkceCodeVerifier: client.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = await authorizationRequest(config);
    const callbackAgain = await delegatedLogin(again.url, marie.citizenId, 'papers');
    const replayChecks = {
      pkceCodeVerifier: again.codeVerifier,
      expectedState: again.state,
      expectedNonce: again.nonce,
    };
    await client.authorizationCodeGrant(config, callbackAgain, replayChecks);
    await expect(client.authorizationCodeGrant(config, callbackAgain, replayChecks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses without a usable mandate: expired, another structure, area not served', async () => {
    const expired = await consentedMandate(app, structureId, aide.aideId, ['papers'], {
      givenName: 'Jean',
      familyName: 'Expiré',
    });
    await db.query(
      "UPDATE mandates SET starts_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1",
      [expired.mandateId],
    );
    const otherStructure = await createStructure(app, 'Autre structure');
    const otherAide = await createMember(app, otherStructure, 'autre.delegation@example.fr');
    const foreign = await consentedMandate(app, otherStructure, otherAide.aideId, ['papers'], {
      givenName: 'Youssef',
      familyName: 'Ailleurs',
    });
    const housingService = await registerService(app, 'Logement de démonstration', ['housing'], CALLBACK);

    for (const [citizenId, credentials] of [
      [expired.citizenId, service],
      [foreign.citizenId, service],
      [marie.citizenId, housingService],
    ] as const) {
      const authorization = await authorizationRequest(await relyingParty(credentials));
      const authorize = await agent.get(authorization.url.pathname + authorization.url.search).expect(303);
      const picker = await agent.get(authorize.headers.location).expect(200);
      expect(picker.text).not.toContain(citizenId);
      const confirm = await agent
        .post(`${authorize.headers.location}/confirmation`)
        .type('form')
        .send({ _csrf: hidden(picker.text, '_csrf'), citoyen: citizenId, demarche: 'papers' })
        .set('accept', 'text/html');
      expect(confirm.status).toBe(403);
      expect(confirm.text).toContain('Pas de mandat en cours pour cette démarche');
    }
    expect(
      await count("audit_outbox WHERE action = 'delegation.refused' AND actor_id = $1", [aide.aideId]),
    ).toBeGreaterThanOrEqual(3);
  });

  it('revoking the area ends what it opened: userinfo answers 401', async () => {
    const jeanne = await consentedMandate(app, structureId, aide.aideId, ['papers', 'money'], {
      givenName: 'Jeanne',
      familyName: 'Révoquée',
    });
    const config = await relyingParty();
    const authorization = await authorizationRequest(config);
    const callback = await delegatedLogin(authorization.url, jeanne.citizenId, 'papers');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: authorization.codeVerifier,
      expectedState: authorization.state,
      expectedNonce: authorization.nonce,
    });
    const sub = tokens.claims()!.sub;
    await client.fetchUserInfo(config, tokens.access_token, sub);

    const detail = await agent.get(`/mandats/${jeanne.mandateId}`).expect(200);
    await agent
      .post(`/mandats/${jeanne.mandateId}/revocation`)
      .type('form')
      .send({ _csrf: hidden(detail.text, '_csrf'), area: 'papers', citizenPresent: 'oui' })
      .expect(303);
    const userinfo = await fetch(`${issuer}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(await count("audit_outbox WHERE action = 'delegation.ended' AND mandate_id = $1", [jeanne.mandateId])).toBe(
      1,
    );

    // A new delegated login for the revoked area is refused; the other area still works.
    const again = await authorizationRequest(config);
    const authorize = await agent.get(again.url.pathname + again.url.search).expect(303);
    const picker = await agent.get(authorize.headers.location).expect(200);
    const refused = await agent
      .post(`${authorize.headers.location}/confirmation`)
      .type('form')
      .send({ _csrf: hidden(picker.text, '_csrf'), citoyen: jeanne.citizenId, demarche: 'papers' })
      .set('accept', 'text/html');
    expect(refused.status).toBe(403);
    const money = await agent.get(`${authorize.headers.location}/confirmation?citoyen=${jeanne.citizenId}`).expect(200);
    expect(money.text).toContain('Argent (impôts, banques)');
    expect(money.text).not.toContain('value="papers"');
  });

  it('an expired mandate stops its tokens at once, and the sweep then deletes its grants', async () => {
    const soon = await consentedMandate(app, structureId, aide.aideId, ['papers'], {
      givenName: 'Aminata',
      familyName: 'Bientôt',
    });
    const config = await relyingParty();
    const authorization = await authorizationRequest(config);
    const tokens = await client.authorizationCodeGrant(
      config,
      await delegatedLogin(authorization.url, soon.citizenId, 'papers'),
      {
        pkceCodeVerifier: authorization.codeVerifier,
        expectedState: authorization.state,
        expectedNonce: authorization.nonce,
      },
    );
    const [delegation] = await db.query('SELECT id, grant_id FROM delegations WHERE mandate_id = $1', [soon.mandateId]);
    await db.query('UPDATE mandates SET expires_at = now() WHERE id = $1', [soon.mandateId]);
    const userinfo = await fetch(`${issuer}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);

    expect(await app.get(ProviderGrants).sweep()).toBe(1);
    const [ended] = await db.query('SELECT ended_at FROM delegations WHERE id = $1', [delegation.id]);
    expect(ended.ended_at).not.toBeNull();
    expect(await app.get(OIDC_REDIS).exists(`${oidcKeyPrefix(env.redisPrefix)}Grant:${delegation.grant_id}`)).toBe(0);
    expect(await app.get(ProviderGrants).sweep()).toBe(0);
  });

  it('an unfinished interaction lives 5 minutes; an unknown or expired one gets a plain page', async () => {
    const authorization = await authorizationRequest(await relyingParty());
    const authorize = await agent.get(authorization.url.pathname + authorization.url.search).expect(303);
    const uid = authorize.headers.location.split('/').pop();
    const ttl = await app.get(OIDC_REDIS).ttl(`${oidcKeyPrefix(env.redisPrefix)}Interaction:${uid}`);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    await app.get(OIDC_REDIS).del(`${oidcKeyPrefix(env.redisPrefix)}Interaction:${uid}`);
    const expired = await agent.get(authorize.headers.location).set('accept', 'text/html');
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('Connexion expirée');
  });

  it('searches the citizens by name and by birth date', async () => {
    const authorization = await authorizationRequest(await relyingParty());
    const authorize = await agent.get(authorization.url.pathname + authorization.url.search).expect(303);
    const byName = await agent.get(authorize.headers.location).query({ nom: 'lefevre' }).expect(200);
    expect(byName.text).toContain(marie.citizenId);
    const byBirth = await agent.get(authorize.headers.location).query({ naissance: '1948-03-17' }).expect(200);
    expect(byBirth.text).toContain(marie.citizenId);
    const nobody = await agent.get(authorize.headers.location).query({ naissance: '1999-01-01' }).expect(200);
    expect(nobody.text).not.toContain(marie.citizenId);
    expect(nobody.text).toContain('Aucune personne ne correspond');
    await agent.get(authorize.headers.location).query({ naissance: 'hier' }).expect(400);
    // A date that parses but does not exist is refused (400), never a 500: the picker again, with
    // the field's message, what was typed, and every citizen the aide may act for.
    const impossible = await agent
      .get(authorize.headers.location)
      .query({ nom: 'lefe', naissance: '2024-02-31' })
      .set('accept', 'text/html');
    expect(impossible.status).toBe(400);
    expect(impossible.text).toContain('Pour qui agissez-vous ?');
    expect(impossible.text).toContain('Le formulaire contient une erreur');
    expect(impossible.text).toContain(BIRTHDATE_MESSAGE);
    expect(impossible.text).toContain('value="lefe"');
    expect(impossible.text).toContain(marie.citizenId);
  });

  it('sends an aide whose session ended to the console login, even from a search it cannot run', async () => {
    const authorization = await authorizationRequest(await relyingParty());
    const browser = request.agent(app.getHttpServer());
    const authorize = await browser.get(authorization.url.pathname + authorization.url.search).expect(303);

    await browser
      .get(authorize.headers.location)
      .query({ naissance: '2024-02-31' })
      .set('accept', 'text/html')
      .expect(303)
      .expect('Location', '/connexion');
  });

  it('refuses a disabled public service at once', async () => {
    const disabled = await registerService(app, 'Service bientôt fermé', ['papers'], CALLBACK);
    const config = await relyingParty(disabled);
    await app.get(PublicServicesService).disable(disabled.clientId, { type: AuditActorType.Operator });
    const authorization = await authorizationRequest(config);
    const refused = await agent.get(authorization.url.pathname + authorization.url.search);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Service public non raccordé');
    expect(refused.text).not.toContain('invalid_client');
  });

  it('sends an aide who is not logged in to the console login, then back to the citizen picker', async () => {
    const config = await relyingParty();
    const authorization = await authorizationRequest(config);
    const browser = request.agent(app.getHttpServer());
    const authorize = await browser.get(authorization.url.pathname + authorization.url.search).expect(303);
    await browser.get(authorize.headers.location).expect(303).expect('Location', '/connexion');
    const loginPage = await browser.get('/connexion').expect(200);
    expect(loginPage.text).toContain('Connexion');
  });

  it('refuses an untrained aide with a plain page, journaled', async () => {
    const untrained = await createMember(app, structureId, 'nonforme.delegation@example.fr', undefined, false);
    const browser = await logIn(app, untrained);
    const authorization = await authorizationRequest(await relyingParty());
    const authorize = await browser.get(authorization.url.pathname + authorization.url.search).expect(303);
    const page = await browser.get(authorize.headers.location).set('accept', 'text/html');
    expect(page.status).toBe(403);
    expect(page.text).toContain('Formation non validée');
    expect(await count("audit_outbox WHERE action = 'delegation.refused' AND actor_id = $1", [untrained.aideId])).toBe(
      1,
    );
  });

  /** The `delegation.refused` events journaled for `aideId` as deactivated. */
  const deactivatedRefusals = (aideId: string) =>
    count("audit_outbox WHERE action = 'delegation.refused' AND actor_id = $1 AND details->>'reason' = 'deactivated'", [
      aideId,
    ]);

  it('refuses a deactivated aide with a plain page, journaled', async () => {
    const leaving = await createMember(app, structureId, 'parti.delegation@example.fr');
    const browser = await logIn(app, leaving);
    await db.query('UPDATE memberships SET active = false WHERE aide_id = $1', [leaving.aideId]);
    const authorization = await authorizationRequest(await relyingParty());
    const authorize = await browser.get(authorization.url.pathname + authorization.url.search).expect(303);
    const page = await browser.get(authorize.headers.location).set('accept', 'text/html');
    expect(page.status).toBe(403);
    expect(page.text).toContain('a été désactivé');
    expect(await deactivatedRefusals(leaving.aideId)).toBe(1);
  });

  it('refuses the confirmation of an aide deactivated after the picker, journaled, nothing opened', async () => {
    // Given an aide on the confirmation page for Marie, whose membership is then deactivated
    const leaving = await createMember(app, structureId, 'parti.confirmation@example.fr');
    const browser = await logIn(app, leaving);
    const authorization = await authorizationRequest(await relyingParty());
    const authorize = await browser.get(authorization.url.pathname + authorization.url.search).expect(303);
    const picker = await browser.get(authorize.headers.location).expect(200);
    await db.query('UPDATE memberships SET active = false WHERE aide_id = $1', [leaving.aideId]);
    // When they confirm
    const page = await browser
      .post(`${authorize.headers.location}/confirmation`)
      .type('form')
      .send({ _csrf: hidden(picker.text, '_csrf'), citoyen: marie.citizenId, demarche: 'papers' })
      .set('accept', 'text/html');
    // Then the same plain page as at the first step, the refusal journaled, no delegation
    expect(page.status).toBe(403);
    expect(page.text).toContain('a été désactivé');
    expect(await deactivatedRefusals(leaving.aideId)).toBe(1);
    expect(await count('delegations WHERE aide_id = $1', [leaving.aideId])).toBe(0);
  });

  it('shows a French page of the catalogue for an unknown client_id, never the provider’s raw code', async () => {
    // Given an authorization request from a client Relais does not know
    const query = new URLSearchParams({
      client_id: 'service-inconnu',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: CALLBACK,
    });
    // When the browser arrives at the provider
    const page = await agent.get(`/oidc/auth?${query}`).set('accept', 'text/html');
    // Then it reads what happened and what to do, in French, with the catalogue's code
    expect(page.status).toBe(400);
    expect(page.text).toContain('Service public non raccordé');
    expect(page.text).toContain('Retournez sur son site');
    expect(page.text).toContain(ErrorCode.ProviderUnknownService);
    expect(page.text).not.toContain('invalid_client');
  });

  it('refuses cleanly, journaled, a delegation whose authorisation a concurrent consent replaces', async () => {
    // Given a usable mandate, and a consent replacing its authorisation that has not committed yet
    const jeanne = await consentedMandate(app, structureId, aide.aideId, ['papers'], {
      givenName: 'Jeanne',
      familyName: 'Concurrente',
    });
    const publicService = (await app.get(PublicServicesService).findByClientId(service.clientId))!;
    const consent = db.createQueryRunner();
    await consent.connect();
    await consent.startTransaction();
    await consent.query('UPDATE mandate_procedures SET in_force = false WHERE mandate_id = $1', [jeanne.mandateId]);
    // When the aide confirms meanwhile, and the consent then commits
    const opening = app
      .get(DelegationOpener)
      .open(
        { aideId: aide.aideId, structureId },
        publicService,
        { citizenId: jeanne.citizenId, area: ProcedureArea.Papers },
        ['pwd', 'otp'],
      )
      .then(
        () => null,
        (error: DomainException) => error,
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consent.commitTransaction();
    await consent.release();
    // Then a plain refusal (not a 500), journaled, and no delegation on the replaced authorisation
    expect((await opening)?.code).toBe(ErrorCode.NoUsableMandate);
    expect(await count('delegations WHERE mandate_id = $1', [jeanne.mandateId])).toBe(0);
    expect(
      await count(
        "audit_outbox WHERE action = 'delegation.refused' AND citizen_id = $1 AND details->>'reason' = 'no_mandate'",
        [jeanne.citizenId],
      ),
    ).toBe(1);
  });

  it('works when the authorize request and the rest of the flow hit two different api processes', async () => {
    const config = await relyingParty();
    const authorization = await authorizationRequest(config);
    // One browser (cookies are per host, not per port), two api processes behind the same ISSUER.
    const browser = superagent
      .agent()
      .redirects(0)
      .ok((res: { status: number }) => res.status < 500);
    const loginPage = await browser.get(`${issuer}/connexion`);
    await browser
      .post(`${issuer}/connexion`)
      .type('form')
      .send({ _csrf: hidden(loginPage.text, '_csrf'), email: aide.email, password: PASSWORD });
    const codePage = await browser.get(`${secondOrigin}/connexion/code`);
    await browser
      .post(`${secondOrigin}/connexion/code`)
      .type('form')
      .send({ _csrf: hidden(codePage.text, '_csrf'), code: await freshCode(app, aide) });

    const authorize = await browser.get(authorization.url.href);
    expect(authorize.status).toBe(303);
    const interaction = `${secondOrigin}${authorize.headers.location}`;
    const confirmPage = await browser.get(`${interaction}/confirmation?citoyen=${marie.citizenId}&demarche=papers`);
    expect(confirmPage.status).toBe(200);
    const confirmed = await browser
      .post(`${interaction}/confirmation`)
      .type('form')
      .send({ _csrf: hidden(confirmPage.text, '_csrf'), citoyen: marie.citizenId, demarche: 'papers' });
    expect(confirmed.status).toBe(303);
    const resume = new URL(confirmed.headers.location, secondOrigin);
    const back = await browser.get(`${secondOrigin}${resume.pathname}${resume.search}`);
    expect(back.status).toBe(303);
    const tokens = await client.authorizationCodeGrant(config, new URL(back.headers.location), {
      pkceCodeVerifier: authorization.codeVerifier,
      expectedState: authorization.state,
      expectedNonce: authorization.nonce,
    });
    expect(tokens.claims()!.procedure_area).toBe('papers');
  });
});
