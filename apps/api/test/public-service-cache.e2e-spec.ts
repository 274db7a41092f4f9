import { createHash, randomBytes } from 'node:crypto';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { PublicService, PublicServiceDirectory } from '@relais/public-services';
import { createTestEnvironment, freePort, runCli, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole } from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';

const CALLBACK = 'http://localhost:3200/callback';

/**
 * The public services are cached in each api process across requests (PublicServiceDirectory):
 * a change made by another process, here the operator CLI, must reach this one at once.
 */
describe('public services cached by the api, changed from another process', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let directory: PublicServiceDirectory;
  let agent: ReturnType<typeof request.agent>;
  let service: { clientId: string; clientSecret: string };
  let marie: { mandateId: string; citizenId: string };

  const cli = async (...args: string[]) => {
    const result = await runCli(env, args);
    expect(result.code).toBe(0);
  };

  /** A public service's authorization request, as its browser redirect sends it. */
  const authorize = () =>
    agent
      .get('/oidc/auth')
      .query({
        client_id: service.clientId,
        redirect_uri: CALLBACK,
        response_type: 'code',
        scope: 'openid',
        code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
        code_challenge_method: 'S256',
        state: randomBytes(8).toString('hex'),
        nonce: randomBytes(8).toString('hex'),
      })
      .set('accept', 'text/html');

  /** Until this process is subscribed to the announcements (nothing is cached before). */
  async function subscribed(target: PublicServiceDirectory) {
    for (let attempt = 0; attempt < 100 && !target.caching; attempt++) {
      await target.find(service.clientId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(target.caching).toBe(true);
  }

  /** The name as cached: a name written behind the service's back shows only once the entry is dropped. */
  async function cachedName(): Promise<string | undefined> {
    return (await directory.find(service.clientId))?.name;
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    process.env.ISSUER = `http://127.0.0.1:${await freePort()}`;
    app = await startConsole();
    db = app.get(DataSource);
    directory = app.get(PublicServiceDirectory);
    const structureId = await createStructure(app, 'France Services Ménilmontant');
    const aide = await createMember(app, structureId, 'aidant.cache@example.fr');
    agent = await logIn(app, aide);
    service = await registerService(app, 'Caisse de démonstration', ['papers', 'money'], CALLBACK);
    marie = await consentedMandate(app, structureId, aide.aideId, ['papers', 'money'], {
      givenName: 'Marie',
      familyName: 'Cache',
    });
    await subscribed(directory);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
    delete process.env.ISSUER;
  });

  beforeEach(async () => {
    // Cached for this test: a name changed in the table alone is not seen.
    await db.query("UPDATE public_services SET name = 'Caisse de démonstration' WHERE client_id = $1", [
      service.clientId,
    ]);
    await cli('public-service:enable', service.clientId);
    await cli('public-service:areas', service.clientId, '--areas', 'papers,money');
    expect(await cachedName()).toBe('Caisse de démonstration');
    await db.query("UPDATE public_services SET name = 'Écrit sans annonce' WHERE client_id = $1", [service.clientId]);
    expect(await cachedName()).toBe('Caisse de démonstration');
  }, 60_000);

  it('given a service the api has cached, when the CLI disables it, then its next authorization request is refused', async () => {
    expect((await authorize()).status).toBe(303);

    await cli('public-service:disable', service.clientId);

    // No waiting: the CLI returned, so every process has dropped the entry.
    const refused = await authorize();
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Service public non raccordé');
    expect(await cachedName()).toBe('Écrit sans annonce');

    await cli('public-service:enable', service.clientId);
    expect((await authorize()).status).toBe(303);
  }, 60_000);

  it('given an interaction under way, when the CLI removes the area, then confirming for that area is refused and journaled', async () => {
    const interaction = (await authorize().expect(303)).headers.location as string;
    const confirmPage = await agent
      .get(`${interaction}/confirmation`)
      .query({ citoyen: marie.citizenId, demarche: 'papers' })
      .expect(200);

    await cli('public-service:areas', service.clientId, '--areas', 'money');

    const refused = await agent
      .post(`${interaction}/confirmation`)
      .type('form')
      .set('accept', 'text/html')
      .send({ _csrf: hidden(confirmPage.text, '_csrf'), citoyen: marie.citizenId, demarche: 'papers' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Pas de mandat en cours pour cette démarche');
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_outbox
        WHERE action = 'delegation.refused' AND citizen_id = $1 AND details->>'reason' = 'area_not_served'`,
      [marie.citizenId],
    );
    expect(n).toBe(1);
    expect(await db.query('SELECT 1 FROM delegations WHERE citizen_id = $1', [marie.citizenId])).toHaveLength(0);
  }, 60_000);

  it('given no connection to the announcements, when the service is read, then nothing is cached', async () => {
    const config = app.get<RelaisConfig>(RELAIS_CONFIG);
    const unplugged = new PublicServiceDirectory(db.getRepository(PublicService), {
      ...config,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    try {
      expect((await unplugged.find(service.clientId))?.name).toBe('Écrit sans annonce');
      await db.query("UPDATE public_services SET name = 'Relu à chaque fois' WHERE client_id = $1", [service.clientId]);
      expect(unplugged.caching).toBe(false);
      expect((await unplugged.find(service.clientId))?.name).toBe('Relu à chaque fois');
    } finally {
      await unplugged.onModuleDestroy();
    }
  });
});
