import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuditSealer } from '@relais/audit';
import type { PublicService } from '@relais/public-services';
import { readPdf } from '@relais/testing';
import { DataSource } from 'typeorm';

import { createMember, createStructure } from './console-helpers.js';
import {
  delegatedLogin,
  mandateFor,
  PortalVisitor,
  publicService,
  type RunningPortal,
  startPortal,
} from './portal-helpers.js';

describe('citizen portal: the statement of every use of my mandates (PDF)', () => {
  let portal: RunningPortal;
  let app: NestExpressApplication;
  let service: PublicService;
  let place: { structureId: string; aideId: string };

  beforeAll(async () => {
    portal = await startPortal();
    app = portal.app;
    const structureId = await createStructure(app, 'Maison France Services de Belleville');
    const aide = await createMember(app, structureId, 'aidant.releve@example.fr');
    await app
      .get(DataSource)
      .query(`UPDATE aides SET given_name = 'Karim', family_name = 'Benaïssa' WHERE id = $1`, [aide.aideId]);
    place = { structureId, aideId: aide.aideId };
    service = await publicService(app, 'Impôts (démo)', ['papers', 'money']);
  }, 90_000);

  afterAll(async () => {
    await portal?.close();
  });

  it('given a citizen helped under a mandate, when they download their statement, then it lists in plain French what was done, by whom, where', async () => {
    const { citizenId } = await mandateFor(app, place, 'jeanne', ['papers', 'money']);
    await delegatedLogin(app, place, service, { citizenId, area: 'money' });
    const db = app.get(DataSource);
    const deadline = Date.now() + 15_000;
    while ((await db.query('SELECT count(*)::int AS n FROM audit_outbox'))[0].n > 0 && Date.now() < deadline) {
      await app.get(AuditSealer).sealPending();
    }
    const visitor = new PortalVisitor(portal.baseUrl, portal.sandbox.issuer);
    await visitor.logIn('jeanne');

    const home = await (await visitor.get('/usager')).text();
    const response = await visitor.get('/usager/releve.pdf');

    expect(home).toContain('href="/usager/releve.pdf"');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = await readPdf(Buffer.from(await response.arrayBuffer()));
    expect(pdf.text).toContain('Ce qui a été fait pour vous avec vos mandats');
    expect(pdf.text).toContain('Connexion à un service public pour l’usager');
    expect(pdf.text).toContain('Mandat accepté par l’usager');
    expect(pdf.text).toContain('Karim Benaïssa');
    expect(pdf.text).toContain('Maison France Services de Belleville');
    expect(pdf.text).toContain('Argent');
    expect(pdf.text).not.toContain('Usager connecté à son espace');
    const journaled = await db.query(`SELECT actor_type FROM audit_outbox WHERE action = 'citizen.report_downloaded'`);
    expect(journaled).toEqual([{ actor_type: 'citizen' }]);
  }, 90_000);

  it('given nobody logged in, the statement is not given', async () => {
    const response = await fetch(`${portal.baseUrl}/usager/releve.pdf`, { redirect: 'manual' });
    expect([302, 303, 401]).toContain(response.status);
  });
});
