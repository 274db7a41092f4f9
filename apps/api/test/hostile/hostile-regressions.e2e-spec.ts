import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole } from '../console-helpers.js';
import { databaseFingerprint } from './hostile-harness.js';

type Agent = ReturnType<typeof request.agent>;

/** The cases fast-check found (each answered 500 or was accepted before its fix), kept as plain tests. */
describe('hostile input: what the generated cases found', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let aide: Agent;
  let csrf: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    const structureId = await createStructure(app, 'France Services Régressions');
    aide = await logIn(app, await createMember(app, structureId, 'aidant.regressions@example.fr'));
    csrf = hidden((await aide.get('/mandats/nouveau').expect(200)).text, '_csrf');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('given a NUL byte in an address of the new-link form, when it is sent, then 400 with the field named (PostgreSQL answered 500 before)', async () => {
    const anonymous = request.agent(app.getHttpServer());
    const page = await anonymous.get('/rejoindre/nouveau-lien').expect(200);
    const before = await databaseFingerprint(db);

    const response = await anonymous
      .post('/rejoindre/nouveau-lien')
      .set('accept', 'text/html')
      .type('json')
      .send({
        _csrf: hidden(page.text, '_csrf'),
        siret: '732 829 320 00074',
        supervisorEmail: '/etc/passwd\u0000.png',
      });

    expect(response.status).toBe(400);
    expect(response.text).toContain('Ce champ contient un caractère invisible ou non autorisé : retirez-le.');
    expect(await databaseFingerprint(db)).toEqual(before);
  });

  it.each(['constructor', '__proto__'])(
    'given an extra field named %s, when a form is sent, then it is refused like any unknown field (it slipped through the whitelist before)',
    async (name) => {
      const before = await databaseFingerprint(db);

      const response = await aide
        .post('/mandats')
        .set('accept', 'text/html')
        .type('json')
        .send(
          `{"_csrf": ${JSON.stringify(csrf)}, "areas": ["papers"], "duration": "six_months", "channel": "same_device", "${name}": "x"}`,
        );

      expect(response.status).toBe(400);
      expect(response.text).toContain('Ce champ n’est pas attendu.');
      expect(await databaseFingerprint(db)).toEqual(before);
    },
  );

  it('given a malformed mandate id and a bad form, when the revocation is sent, then the form error answers (rebuilding the page failed with a 500 before)', async () => {
    const response = await aide
      .post('/mandats/__proto__/revocation')
      .set('accept', 'text/html')
      .type('json')
      .send({ _csrf: csrf, citizenPresent: 'oui', admin: '\u0000' });

    expect(response.status).toBe(400);
    expect(response.text).toContain('Informations incorrectes');
  });
});
