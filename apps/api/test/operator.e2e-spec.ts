import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole } from './console-helpers.js';
import { registerService } from './delegation-helpers.js';

describe('operator pages: public services', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureId: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app);
  });

  afterAll(async () => {
    await app.close();
    await env.dispose();
  });

  it('an operator (granted from the CLI) lists services, changes their areas and disables one', async () => {
    const service = await registerService(app, 'Impôts de démonstration', ['papers'], 'http://localhost:3200/callback');
    const member = await createMember(app, structureId, 'exploitation@example.fr');
    const granted = await runCli(env, ['operator:grant', 'Exploitation@example.fr']);
    expect(granted.code).toBe(0);
    const operator = await logIn(app, member);

    const page = await operator.get('/operateur/services-publics').expect(200);
    expect(page.text).toContain('Impôts de démonstration');
    expect(page.text).toContain(service.clientId);

    await operator
      .post(`/operateur/services-publics/${service.clientId}/demarches`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(hidden(page.text, '_csrf'))}&areas=papers&areas=money`)
      .expect(303);
    const [row] = await db.query('SELECT areas, active FROM public_services WHERE client_id = $1', [service.clientId]);
    expect(row).toEqual({ areas: ['papers', 'money'], active: true });

    const noArea = await operator
      .post(`/operateur/services-publics/${service.clientId}/demarches`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') });
    expect(noArea.status).toBe(400);
    // The list again, the message in the form of that service.
    expect(noArea.text).toMatch(
      /id="areas-erreur"><p class="fr-message fr-message--error">Un service public sert au moins une démarche\.</,
    );

    await operator
      .post(`/operateur/services-publics/${service.clientId}/desactivation`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') })
      .expect(303);
    expect(
      (await db.query('SELECT active FROM public_services WHERE client_id = $1', [service.clientId]))[0].active,
    ).toBe(false);
    expect(
      (
        await db.query(
          "SELECT count(*)::int AS n FROM audit_outbox WHERE action LIKE 'public_service.%' OR action = 'operator.granted'",
        )
      )[0].n,
    ).toBeGreaterThanOrEqual(4);

    const revoked = await runCli(env, ['operator:revoke', 'exploitation@example.fr']);
    expect(revoked.code).toBe(0);
    await operator.get('/operateur/services-publics').expect(403);
  });

  it('is refused to aides and supervisors who are not operators, and to anonymous visitors', async () => {
    const aide = await logIn(app, await createMember(app, structureId, 'pas.operateur@example.fr'));
    await aide.get('/operateur/services-publics').expect(403);
    await request(app.getHttpServer())
      .get('/operateur/services-publics')
      .set('accept', 'text/html')
      .expect(303)
      .expect('Location', '/connexion');
    const unknown = await runCli(env, ['operator:grant', 'personne@example.fr']);
    expect(unknown.code).toBe(1);
  });
});
