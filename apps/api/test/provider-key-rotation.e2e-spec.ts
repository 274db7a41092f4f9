import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEnvironment, freePort, runCli, type TestEnvironment } from '@relais/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, logIn, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';
import { delegatedTokens, relyingParty } from './provider-flow.js';

const CALLBACK = 'http://localhost:3200/callback';

/**
 * `oidc-keys:rotate` (threat "a stolen SECRETS_KEY" with a dump, docs/security.md): the provider
 * signs with new keys from the api's next start; tokens signed before still verify for a day.
 */
describe('the OpenID provider’s signing keys are replaced', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let port: number;
  let issuer: string;
  let aide: TestMember;
  let marie: { citizenId: string };
  let service: { clientId: string; clientSecret: string };

  async function start() {
    await app?.close();
    app = await startConsole();
    await app.listen(port, '127.0.0.1');
  }

  const jwks = async () => (await request(issuer).get('/oidc/jwks').expect(200)).body as JSONWebKeySet;

  /** A whole delegated login for Marie; its ID token. */
  async function idToken(): Promise<string> {
    const tokens = await delegatedTokens(
      await logIn(app, aide),
      await relyingParty(issuer, service),
      CALLBACK,
      marie.citizenId,
      'papers',
    );
    return tokens.id_token!;
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    process.env.ISSUER = issuer;
    await start();
    const structureId = await createStructure(app);
    aide = await createMember(app, structureId, 'aidant.cles@example.fr');
    marie = await consentedMandate(app, structureId, aide.aideId, ['papers'], {
      givenName: 'Marie',
      familyName: 'Durand',
    });
    service = await registerService(app, 'Impôts de démonstration', ['papers'], CALLBACK);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
    delete process.env.ISSUER;
  });

  it('signs with the new keys after a restart, still verifies the old tokens for a day, then forgets the old keys', async () => {
    const before = await idToken();
    const oldKid = decodeProtectedHeader(before).kid!;
    expect((await jwks()).keys.map((key) => key.kid)).toHaveLength(2);

    const rotated = await runCli(env, ['oidc-keys:rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('Redémarrez les processus api');
    const newKids = rotated.stdout.trim().split('\n');
    expect(newKids).toHaveLength(2);
    expect(newKids).not.toContain(oldKid);
    const [journaled] = await app
      .get(DataSource)
      .query(`SELECT details FROM audit_outbox WHERE action = 'oidc_signing_key.rotated'`);
    expect(journaled.details.kids).toEqual(newKids);
    expect(journaled.details.retiredKids).toContain(oldKid);

    await start();
    const published = await jwks();
    // The keys in use first (ES256, RS256), then the retired ones; no private part published.
    expect(published.keys.map((key) => key.kid)).toEqual([...newKids, ...journaled.details.retiredKids]);
    expect(published.keys.every((key) => !('d' in key))).toBe(true);

    const after = await idToken();
    expect(newKids).toContain(decodeProtectedHeader(after).kid);
    const keySet = createLocalJWKSet(published);
    await expect(jwtVerify(before, keySet, { issuer: `${issuer}/oidc` })).resolves.toBeDefined();
    await expect(jwtVerify(after, keySet, { issuer: `${issuer}/oidc` })).resolves.toBeDefined();

    // A day later, the retired keys leave the JWKS: a token they signed no longer verifies.
    await app
      .get(DataSource)
      .query(`UPDATE oidc_signing_keys SET retired_at = now() - interval '25 hours' WHERE retired_at IS NOT NULL`);
    await start();
    const later = await jwks();
    expect(later.keys.map((key) => key.kid)).toEqual(newKids);
    await expect(jwtVerify(before, createLocalJWKSet(later), { issuer: `${issuer}/oidc` })).rejects.toThrow();
  });

  it('keeps one key in use per algorithm, whatever two rotations at once do', async () => {
    const [first, second] = await Promise.all([runCli(env, ['oidc-keys:rotate']), runCli(env, ['oidc-keys:rotate'])]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const inUse = await app
      .get(DataSource)
      .query(
        'SELECT alg, count(*)::int AS n FROM oidc_signing_keys WHERE retired_at IS NULL GROUP BY alg ORDER BY alg',
      );
    expect(inUse).toEqual([
      { alg: 'ES256', n: 1 },
      { alg: 'RS256', n: 1 },
    ]);
  });
});
