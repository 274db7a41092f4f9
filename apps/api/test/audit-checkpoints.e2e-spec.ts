import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AuditAction, AuditActorType, AuditRecorder, AuditSealer } from '@relais/audit';
import { AuditCheckpointer } from '@relais/audit-checkpoints';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { ApiModule } from '../src/api.module.js';
import { configureApi } from '../src/create-api.js';

describe('GET /audit/checkpoints', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;

  beforeAll(async () => {
    env = await createTestEnvironment();
    process.env.AUDIT_CHECKPOINT_EVERY_ENTRIES = '2';
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    app = configureApi(moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true }));
    await app.init();
    // Given journaled events about a citizen, sealed and checkpointed
    const dataSource = app.get(DataSource);
    const [{ id: citizenId }] = await dataSource.query(
      `INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, email, search_name)
       VALUES ('sub-zoe', 'Zoé', 'Lefèvre', '1948-03-12', 'female', 'zoe@example.fr', 'zoe lefevre') RETURNING id`,
    );
    await dataSource.transaction((manager) =>
      app.get(AuditRecorder).recordMany(
        manager,
        [1, 2, 3, 4].map(() => ({
          action: AuditAction.MandateConsented,
          actor: { type: AuditActorType.Citizen, id: citizenId },
          citizenId,
        })),
      ),
    );
    const deadline = Date.now() + 15_000;
    while ((await dataSource.query('SELECT count(*)::int AS n FROM audit_journal'))[0].n < 4) {
      if (Date.now() > deadline) throw new Error('the outbox did not drain');
      await app.get(AuditSealer).sealPending();
    }
    await app.get(AuditCheckpointer).checkpointDue();
  });

  afterAll(async () => {
    await app.close();
    delete process.env.AUDIT_CHECKPOINT_EVERY_ENTRIES;
    await env.dispose();
  });

  it('publishes the signed checkpoints, oldest first, to anyone', async () => {
    const response = await request(app.getHttpServer()).get('/audit/checkpoints').expect(200);
    expect(response.body.jwks).toBe('/attestations/jwks.json');
    expect(response.body.checkpoints.map((checkpoint: { seq: string }) => checkpoint.seq)).toEqual(['2', '4']);
    expect(Object.keys(response.body.checkpoints[0]).sort()).toEqual([
      'count',
      'hash',
      'jws',
      'kid',
      'seq',
      'signedAt',
    ]);
  });

  it('shows no personal data, not even inside the signed payload', async () => {
    const response = await request(app.getHttpServer()).get('/audit/checkpoints').expect(200);
    const payloads = response.body.checkpoints.map((checkpoint: { jws: string }) =>
      Buffer.from(checkpoint.jws.split('.')[1], 'base64url').toString('utf8'),
    );
    const published = JSON.stringify(response.body) + payloads.join('');
    for (const personal of ['Zoé', 'Lefèvre', 'zoe@example.fr', '1948-03-12', 'sub-zoe']) {
      expect(published).not.toContain(personal);
    }
    expect(JSON.parse(payloads[0])).toEqual({
      kind: 'relais.audit.checkpoint',
      seq: '2',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      count: '2',
      signedAt: expect.any(String),
    });
  });

  it('pages with ?after=', async () => {
    const response = await request(app.getHttpServer()).get('/audit/checkpoints?after=2').expect(200);
    expect(response.body.checkpoints.map((checkpoint: { seq: string }) => checkpoint.seq)).toEqual(['4']);
  });

  it('answers 400 with a French message to a malformed after', async () => {
    const response = await request(app.getHttpServer()).get('/audit/checkpoints?after=abc').expect(400);
    expect(JSON.stringify(response.body)).toContain('numéro de séquence');
  });
});
