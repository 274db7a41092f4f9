import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ConsentService,
  consentTextVersionAt,
  MandateExpiry,
  MandateRequests,
  ConsentChannel,
  MandateDuration,
} from '@relais/mandates';
import {
  CitizenUserAgent,
  createTestEnvironment,
  runCli,
  startTestIdentitySandbox,
  type TestEnvironment,
  type TestIdentitySandbox,
} from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole, type TestMember } from './console-helpers.js';
import { franceConnectIdentity } from './franceconnect-identity.js';

type Agent = ReturnType<typeof request.agent>;

/** A urlencoded body where a list repeats its key, as a browser sends ticked checkboxes. */
function formBody(fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of [value].flat()) body.append(name, item);
  }
  return body.toString();
}

describe('mandates: request, FranceConnect identification, consent, attestation, verification, revocation', () => {
  let env: TestEnvironment;
  let sandbox: TestIdentitySandbox;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureId: string;
  let aide: TestMember;
  let agent: Agent;

  const count = async (sql: string, parameters: unknown[] = []) =>
    (await db.query(`SELECT count(*)::int AS n FROM ${sql}`, parameters))[0].n as number;

  /** The aide fills in the new mandate form. */
  async function requestMandate(by: Agent, fields: Record<string, string | string[]>) {
    const page = await by.get('/mandats/nouveau').expect(200);
    return by
      .post('/mandats')
      .type('form')
      .send(formBody({ _csrf: hidden(page.text, '_csrf'), duration: 'six_months', channel: 'same_device', ...fields }));
  }

  /** The citizen goes through FranceConnect (the sandbox) in the session of `browser`; returns the consent page. */
  async function identify(browser: Agent, identity: string) {
    const start = await browser.get('/consentement/franceconnect').expect(303);
    const callback = await new CitizenUserAgent(new URL(sandbox.issuer).origin).authorize(
      new URL(start.headers.location),
      identity,
    );
    expect(callback.origin + callback.pathname).toBe('http://localhost:3000/franceconnect/callback');
    await browser
      .get(callback.pathname + callback.search)
      .expect(303)
      .expect('Location', '/consentement');
    return browser.get('/consentement').expect(200);
  }

  async function decide(browser: Agent, consentPage: string, decision: 'accepter' | 'refuser') {
    return browser
      .post('/consentement')
      .type('form')
      .send({
        _csrf: hidden(consentPage, '_csrf'),
        decision,
        version: hidden(consentPage, 'version'),
        digest: hidden(consentPage, 'digest'),
      });
  }

  /** A same-device mandate, consented by `identity`; returns its id. */
  async function consentedMandate(areas: string[], identity = 'marie-therese'): Promise<string> {
    const created = await requestMandate(agent, { areas });
    expect(created.status).toBe(303);
    const mandateId = created.headers.location.split('/')[2];
    await agent.get(created.headers.location).expect(200);
    const consent = await identify(agent, identity);
    expect((await decide(agent, consent.text, 'accepter')).status).toBe(200);
    return mandateId;
  }

  async function attestationPdf(mandateId: string, kind = 'mandate'): Promise<Buffer> {
    const [row] = await db.query(
      'SELECT id FROM attestations WHERE mandate_id = $1 AND kind = $2 ORDER BY created_at DESC',
      [mandateId, kind],
    );
    const response = await agent
      .get(`/mandats/${mandateId}/attestations/${row.id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', 'application/pdf');
    return response.body as Buffer;
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    sandbox = await startTestIdentitySandbox({ redirectUris: [] });
    process.env.FRANCECONNECT_ISSUER = sandbox.issuer;
    env.env.FRANCECONNECT_ISSUER = sandbox.issuer;
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app, 'Maison France Services de Belleville');
    aide = await createMember(app, structureId, 'aidant@example.fr');
    agent = await logIn(app, aide);
  });

  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
    await env?.dispose();
  });

  it('on the same device: the citizen identifies, reads plain French, consents; sealed, attested, verifiable', async () => {
    const created = await requestMandate(agent, { areas: ['papers', 'money'] });
    expect(created.status).toBe(303);
    expect(created.headers.location).toMatch(/^\/mandats\/[0-9a-f-]{36}\/identification$/);
    const mandateId = created.headers.location.split('/')[2];
    const identification = await agent.get(created.headers.location).expect(200);
    expect(identification.text).toContain('FranceConnect');

    const consent = await identify(agent, 'marie-therese');
    expect(consent.text).toContain('Je suis Marie-Thérèse Hélène Lefèvre-Ndiaye.');
    expect(consent.text).toContain('Maison France Services de Belleville');
    expect(consent.text).toContain('Papiers et citoyenneté, Argent (impôts, banques)');
    expect(consent.text).toMatch(
      /Mon accord commence le \d{1,2}(er)?\s\p{L}+ \d{4}\. Il dure 6 mois, jusqu’au \d{1,2}(er)?\s\p{L}+ \d{4}\./u,
    );
    expect(consent.text).toContain('Je peux arrêter mon accord quand je veux');

    const done = await decide(agent, consent.text, 'accepter');
    expect(done.status).toBe(200);
    expect(done.text).toContain('votre accord est enregistré');

    const [mandate] = await db.query('SELECT * FROM mandates WHERE id = $1', [mandateId]);
    expect(mandate.status).toBe('active');
    expect(mandate.consent_text_version).toBe(consentTextVersionAt(new Date()));
    expect(mandate.consent_evidence.franceConnect.acr).toBe('eidas1');
    expect(new Date(mandate.expires_at).getTime()).toBeGreaterThan(Date.now() + 180 * 24 * 3600 * 1000);
    expect(await count('mandate_procedures WHERE mandate_id = $1 AND in_force', [mandateId])).toBe(2);
    // The seal verifies and covers the consent text's version and digest.
    const payload = JSON.parse(Buffer.from(mandate.seal.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({
      type: 'relais/mandate',
      mandateId,
      areas: ['papers', 'money'],
      consent: { textVersion: consentTextVersionAt(new Date()), channel: 'same_device' },
    });
    expect(JSON.stringify(payload)).not.toContain('Lefèvre');
    for (const action of [
      'mandate.requested',
      'mandate.citizen_identified',
      'mandate.consented',
      'attestation.issued',
    ]) {
      expect(await count('audit_outbox WHERE mandate_id = $1 AND action = $2', [mandateId, action])).toBe(1);
    }

    // The aide's copy, and the citizen's copy from the same session, are the same file.
    const pdf = await attestationPdf(mandateId);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const [attestation] = await db.query('SELECT code FROM attestations WHERE mandate_id = $1', [mandateId]);
    const verified = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
    expect(verified.text).toContain('Attestation authentique');
    expect(verified.text).toContain('Marie-Thérèse Hélène L.');
    expect(verified.text).toContain('En cours');
    // Typed by a person: lower case, spaces.
    const typed = attestation.code.toLowerCase().replaceAll('-', ' ');
    expect((await request(app.getHttpServer()).get('/verify').query({ code: typed })).text).toContain(
      'Attestation authentique',
    );

    const upload = await request(app.getHttpServer()).post('/verify').attach('attestation', pdf, 'attestation.pdf');
    expect(upload.status).toBe(200);
    expect(upload.text).toContain('Attestation authentique');
    // No file: the form again, the message under the file field.
    const noFile = await request(app.getHttpServer()).post('/verify').field('other', 'x');
    expect(noFile.status).toBe(400);
    expect(noFile.text).toContain(
      '<p id="attestation-erreur" class="fr-error-text">Choisissez le fichier de l’attestation.</p>',
    );

    // One byte changed anywhere in the file: refused.
    const altered = Buffer.from(pdf);
    const offset = Math.floor(altered.length / 2);
    altered[offset] = altered[offset] ^ 0x01;
    const refused = await request(app.getHttpServer())
      .post('/verify')
      .attach('attestation', altered, 'attestation.pdf');
    expect(refused.text).toContain('Attestation refusée');
    expect(refused.text).toContain('a été modifié');

    // The operator CLI says the same.
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'relais-attestation-'));
    writeFileSync(join(dir, 'good.pdf'), pdf);
    writeFileSync(join(dir, 'altered.pdf'), altered);
    const good = await runCli(env, ['attestation:verify', join(dir, 'good.pdf')]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('AUTHENTIQUE');
    expect(good.stdout).toContain('En cours');
    const bad = await runCli(env, ['attestation:verify', join(dir, 'altered.pdf')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('REFUSÉE');
    const byCode = await runCli(env, ['attestation:verify', attestation.code]);
    expect(byCode.stdout).toContain('AUTHENTIQUE');
    // The whole journey, two CLI processes included: a minute leaves room on a busy machine.
  }, 90_000);

  it('publishes the seal keys as a JWKS without private parts', async () => {
    const jwks = await request(app.getHttpServer()).get('/attestations/jwks.json').expect(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(JSON.stringify(jwks.body)).not.toContain('"d"');
  });

  it('the citizen may refuse: nothing is in force and the aide sees "Refusé"', async () => {
    const created = await requestMandate(agent, { areas: ['papers'] });
    const mandateId = created.headers.location.split('/')[2];
    await agent.get(created.headers.location).expect(200);
    const consent = await identify(agent, 'jeanne');
    const refused = await decide(agent, consent.text, 'refuser');
    expect(refused.status).toBe(200);
    expect(refused.text).toContain('Vous avez refusé');
    const [mandate] = await db.query('SELECT status, seal FROM mandates WHERE id = $1', [mandateId]);
    expect(mandate).toEqual({ status: 'refused', seal: null });
    expect(await count('mandate_procedures WHERE mandate_id = $1', [mandateId])).toBe(0);
    expect(await count("audit_outbox WHERE mandate_id = $1 AND action = 'mandate.refused'", [mandateId])).toBe(1);
    // Deciding again (back button) is refused plainly.
    const again = await decide(agent, consent.text, 'accepter');
    expect(again.status).toBe(400);
    expect((await agent.get(`/mandats/${mandateId}`).expect(200)).text).toContain('Refusé');
  });

  it('a cancelled FranceConnect login leaves the mandate pending with a plain message', async () => {
    const created = await requestMandate(agent, { areas: ['papers'] });
    await agent.get(created.headers.location).expect(200);
    const start = await agent.get('/consentement/franceconnect').expect(303);
    const callback = await new CitizenUserAgent(new URL(sandbox.issuer).origin).authorize(
      new URL(start.headers.location),
      null,
    );
    const cancelled = await agent.get(callback.pathname + callback.search).set('accept', 'text/html');
    expect(cancelled.status).toBeGreaterThanOrEqual(400);
    expect(cancelled.text).toContain('FranceConnect');
    // The callback is accepted once: replaying it is refused.
    const replay = await agent.get(callback.pathname + callback.search).set('accept', 'text/html');
    expect(replay.status).toBe(400);
  });

  describe('remote link', () => {
    async function remoteLink(areas = ['money']) {
      const created = await requestMandate(agent, { areas, channel: 'remote' });
      expect(created.status).toBe(200);
      const link = /<code class="relais-key">([^<]+)<\/code>/.exec(created.text)![1];
      expect(link).toMatch(/^http:\/\/localhost:3000\/consentement\/lien\/[\w-]{43}$/);
      return new URL(link).pathname;
    }

    it('lets the citizen consent on their own device, once', async () => {
      const path = await remoteLink();
      const citizen = request.agent(app.getHttpServer());
      expect((await citizen.get(path).expect(200)).text).toContain('Donner votre accord');
      const consent = await identify(citizen, 'youssef');
      expect(consent.text).toContain('Youssef Karim El Amrani');
      expect((await decide(citizen, consent.text, 'accepter')).status).toBe(200);
      const copy = await citizen.get('/consentement/attestation.pdf').expect(200);
      expect(copy.headers['content-type']).toBe('application/pdf');

      const reused = await request(app.getHttpServer()).get(path).set('accept', 'text/html');
      expect(reused.status).toBe(410);
      expect(reused.text).toContain('Lien expiré ou déjà utilisé');
    });

    it('is refused after 24 hours', async () => {
      const path = await remoteLink();
      await db.query(
        "UPDATE mandates SET remote_expires_at = now() - interval '1 second' WHERE channel = 'remote' AND status = 'pending_consent'",
      );
      const expired = await request(app.getHttpServer()).get(path).set('accept', 'text/html');
      expect(expired.status).toBe(410);
      expect(expired.text).toContain('24 heures');
    });

    it('is refused when the token is unknown', async () => {
      await request(app.getHttpServer()).get('/consentement/lien/pas-un-vrai-lien').expect(410);
    });
  });

  it('refuses an untrained aide, and a consent once training was withdrawn', async () => {
    const untrained = await createMember(app, structureId, 'nonforme@example.fr', undefined, false);
    const browser = await logIn(app, untrained);
    const page = await browser.get('/mandats/nouveau').set('accept', 'text/html');
    expect(page.status).toBe(403);
    expect(page.text).toContain('Formation non validée');
    const list = await browser.get('/espace').expect(200);
    const posted = await browser
      .post('/mandats')
      .type('form')
      .send(
        formBody({ _csrf: hidden(list.text, '_csrf'), areas: ['papers'], duration: 'one_day', channel: 'same_device' }),
      );
    expect(posted.status).toBe(403);
    expect(await count('mandates WHERE aide_id = $1', [untrained.aideId])).toBe(0);

    // Training withdrawn between the request and the consent: the consent is refused.
    const created = await requestMandate(agent, { areas: ['papers'] });
    await agent.get(created.headers.location).expect(200);
    const consent = await identify(agent, 'aminata');
    // Born abroad, day and month unknown (1985-00-00): said as FranceConnect knows it.
    expect((await agent.get('/mandats').query({ nom: 'diallo' }).expect(200)).text).toContain('née ou né en 1985');
    await db.query('UPDATE memberships SET training_validated_at = NULL WHERE aide_id = $1', [aide.aideId]);
    try {
      const refused = await decide(agent, consent.text, 'accepter');
      expect(refused.status).toBe(403);
      expect(
        await count("mandates WHERE id = $1 AND status = 'pending_consent'", [created.headers.location.split('/')[2]]),
      ).toBe(1);
    } finally {
      await db.query('UPDATE memberships SET training_validated_at = now() WHERE aide_id = $1', [aide.aideId]);
    }
  });

  it('refuses areas outside the structure perimeter and malformed forms', async () => {
    expect((await requestMandate(agent, { areas: ['housing'] })).status).toBe(400);
    expect((await requestMandate(agent, { areas: ['nope'] })).status).toBe(400);
    expect((await requestMandate(agent, { areas: [] })).status).toBe(400);
    expect((await requestMandate(agent, { areas: ['papers'], duration: 'two_years' })).status).toBe(400);
  });

  it('replaces the older authorisation for an area, told on the consent page, never two in force', async () => {
    const first = await consentedMandate(['papers', 'money'], 'jean-pierre');
    const created = await requestMandate(agent, { areas: ['money'] });
    await agent.get(created.headers.location).expect(200);
    const consent = await identify(agent, 'jean-pierre');
    expect(consent.text).toContain('ce nouvel accord remplace l’ancien pour : Argent (impôts, banques)');
    expect((await decide(agent, consent.text, 'accepter')).status).toBe(200);
    const [old] = await db.query(
      "SELECT in_force, revocation_reason FROM mandate_procedures WHERE mandate_id = $1 AND area = 'money'",
      [first],
    );
    expect(old).toEqual({ in_force: false, revocation_reason: 'replaced' });
    expect(await count("mandate_procedures WHERE mandate_id = $1 AND area = 'papers' AND in_force", [first])).toBe(1);
    expect(await count("audit_outbox WHERE mandate_id = $1 AND action = 'mandate.area_replaced'", [first])).toBe(1);
  });

  it('renews a mandate: the form comes prefilled, the new one replaces the old, both pages link', async () => {
    const old = await consentedMandate(['papers'], 'jeanne');
    const form = await agent.get('/mandats/nouveau').query({ renouvellement: old }).expect(200);
    expect(form.text).toContain('Renouveler un mandat');
    expect(form.text).toMatch(/value="papers" checked/);
    expect(hidden(form.text, 'renews')).toBe(old);
    const created = await agent
      .post('/mandats')
      .type('form')
      .send(
        formBody({
          _csrf: hidden(form.text, '_csrf'),
          areas: ['papers'],
          duration: 'twelve_months',
          channel: 'same_device',
          renews: old,
        }),
      );
    expect(created.status).toBe(303);
    const renewal = created.headers.location.split('/')[2];
    await agent.get(created.headers.location).expect(200);
    expect((await decide(agent, (await identify(agent, 'jeanne')).text, 'accepter')).status).toBe(200);
    const oldPage = await agent.get(`/mandats/${old}`).expect(200);
    expect(oldPage.text).toContain(`/mandats/${renewal}`);
    expect(oldPage.text).toContain('Remplacée par un mandat plus récent');
    expect((await agent.get(`/mandats/${renewal}`).expect(200)).text).toContain(`/mandats/${old}`);
    // A mandate of another structure cannot be renewed from here.
    await agent.get('/mandats/nouveau').query({ renouvellement: '00000000-0000-4000-8000-000000000000' }).expect(404);
  });

  it('serialises concurrent consents of the same citizen: one mandate in force per area', async () => {
    const requests = app.get(MandateRequests);
    const consents = app.get(ConsentService);
    const identity = franceConnectIdentity({
      sub: 'concurrent-citizen-sub',
      givenName: 'Éloïse',
      familyName: 'D’Aubigné',
      birthdate: '1990-01-01',
    });
    const pending = await Promise.all(
      [1, 2, 3].map(() =>
        requests.request({
          structureId,
          aideId: aide.aideId,
          areas: ['papers', 'money'],
          duration: MandateDuration.OneMonth,
          channel: ConsentChannel.SameDevice,
        }),
      ),
    );
    const citizens = await Promise.all(pending.map(({ mandate }) => requests.identify(mandate.id, identity)));
    expect(new Set(citizens.map((citizen) => citizen.id)).size).toBe(1);
    const citizenId = citizens[0].id;
    const pages = await Promise.all(pending.map(({ mandate }) => consents.page(mandate.id, citizenId)));
    const outcomes = await Promise.all(
      pending.map(({ mandate }, index) =>
        consents.consent({
          mandateId: mandate.id,
          citizenId,
          textVersion: pages[index].text.version,
          textDigest: pages[index].textDigest,
          identification: identity,
        }),
      ),
    );
    expect(outcomes.every((outcome) => outcome !== 'text_changed')).toBe(true);
    for (const area of ['papers', 'money']) {
      expect(
        await count('mandate_procedures WHERE citizen_id = $1 AND area = $2 AND in_force', [citizenId, area]),
      ).toBe(1);
      expect(
        await count("mandate_procedures WHERE citizen_id = $1 AND area = $2 AND revocation_reason = 'replaced'", [
          citizenId,
          area,
        ]),
      ).toBe(2);
    }
  });

  it('revokes one area then the whole mandate, with the citizen present, each with an attestation', async () => {
    const mandateId = await consentedMandate(['papers', 'money'], 'eloise');
    const detail = await agent.get(`/mandats/${mandateId}`).expect(200);
    expect(detail.text).toContain('Arrêter cette démarche');

    // Without ticking "the person is present": refused.
    const unticked = await agent
      .post(`/mandats/${mandateId}/revocation`)
      .type('form')
      .send({ _csrf: hidden(detail.text, '_csrf'), area: 'money' });
    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain('Mandat de ');
    expect(unticked.text).toContain('Cochez la case pour confirmer que la personne est présente et demande l’arrêt.');

    const oneArea = await agent
      .post(`/mandats/${mandateId}/revocation`)
      .type('form')
      .send({ _csrf: hidden(detail.text, '_csrf'), area: 'money', citizenPresent: 'oui' });
    expect(oneArea.status).toBe(303);
    const after = await agent.get(oneArea.headers.location).expect(200);
    expect(after.text).toContain('Arrêt enregistré');
    expect(after.text).toContain('En cours (démarches retirées)');
    const revocationPdf = await attestationPdf(mandateId, 'revocation');
    expect(revocationPdf.subarray(0, 5).toString()).toBe('%PDF-');

    const whole = await agent
      .post(`/mandats/${mandateId}/revocation`)
      .type('form')
      .send({ _csrf: hidden(after.text, '_csrf'), citizenPresent: 'oui' });
    expect(whole.status).toBe(303);
    const [mandate] = await db.query('SELECT status, revoked_at FROM mandates WHERE id = $1', [mandateId]);
    expect(mandate.status).toBe('revoked');
    expect(await count("attestations WHERE mandate_id = $1 AND kind = 'revocation'", [mandateId])).toBe(2);
    expect(await count("audit_outbox WHERE mandate_id = $1 AND action = 'mandate.area_revoked'", [mandateId])).toBe(1);
    expect(await count("audit_outbox WHERE mandate_id = $1 AND action = 'mandate.revoked'", [mandateId])).toBe(1);

    // Nothing left to revoke.
    const again = await agent
      .post(`/mandats/${mandateId}/revocation`)
      .type('form')
      .send({ _csrf: hidden(after.text, '_csrf'), citizenPresent: 'oui' });
    expect(again.status).toBe(409);

    // The original attestation still verifies as genuine, and says revoked.
    const [attestation] = await db.query("SELECT code FROM attestations WHERE mandate_id = $1 AND kind = 'mandate'", [
      mandateId,
    ]);
    const verified = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
    expect(verified.text).toContain('Attestation authentique');
    expect(verified.text).toContain('Révoqué');
  });

  it('shows a stored birth date that does not exist as given, on the list and the mandate page', async () => {
    // Given a citizen identified before birth dates were checked against the calendar
    const requests = app.get(MandateRequests);
    const { mandate } = await requests.request({
      structureId,
      aideId: aide.aideId,
      areas: ['papers'],
      duration: MandateDuration.OneMonth,
      channel: ConsentChannel.SameDevice,
    });
    await requests.identify(
      mandate.id,
      franceConnectIdentity({
        sub: 'impossible-birthdate-sub',
        givenName: 'Odile',
        familyName: 'Trentefévrier',
        birthdate: '1984-02-31',
      }),
    );
    // Then the pages answer, and say the date as it was given
    const list = await agent.get('/mandats').query({ nom: 'trentefevrier' }).expect(200);
    expect(list.text).toContain('née ou né 1984-02-31');
    expect((await agent.get(`/mandats/${mandate.id}`).expect(200)).text).toContain('née ou né 1984-02-31');
  });

  it('lists and searches the structure’s mandates; another structure sees none of them', async () => {
    const list = await agent.get('/mandats').query({ nom: 'lefevre' }).expect(200);
    expect(list.text).toContain('Marie-Thérèse Hélène Lefèvre-Ndiaye');
    expect(list.text).not.toContain('Youssef');
    const revoked = await agent.get('/mandats').query({ etat: 'revoked' }).expect(200);
    expect(revoked.text).toContain('D’Aubigné Saint-Éloi');
    expect(revoked.text).not.toContain('Lefèvre-Ndiaye');
    await agent.get('/mandats').query({ etat: 'whatever' }).expect(400);

    const otherStructure = await createStructure(app, 'Autre structure');
    const stranger = await logIn(app, await createMember(app, otherStructure, 'autre@example.fr'));
    const [mandate] = await db.query('SELECT id FROM mandates WHERE structure_id = $1 LIMIT 1', [structureId]);
    await stranger.get(`/mandats/${mandate.id}`).expect(404);
    expect((await stranger.get('/mandats').expect(200)).text).not.toContain('Lefèvre');
  });

  it('the verify page refuses unknown codes and files that are not attestations', async () => {
    const unknown = await request(app.getHttpServer()).get('/verify/AAAA-BBBB-CCCC-DDDD').expect(200);
    expect(unknown.text).toContain('Aucune attestation ne porte ce code');
    const garbage = await request(app.getHttpServer())
      .post('/verify')
      .attach('attestation', Buffer.from('%PDF-1.7 not really'), 'x.pdf')
      .expect(200);
    expect(garbage.text).toContain('n’est pas une attestation délivrée par Relais');
  });

  it('shows on the home page a mandate ending within 15 days, with its renewal button', async () => {
    // Given a mandate in force ending in 3 days
    const ending = await consentedMandate(['money'], 'jeanne');
    await db.query("UPDATE mandates SET expires_at = now() + interval '3 days' WHERE id = $1", [ending]);
    // When the aide opens their home page
    const home = await agent.get('/espace').expect(200);
    // Then it is listed with a link to renew it
    expect(home.text).toContain('Mandats arrivant à échéance');
    expect(home.text).toContain(`/mandats/nouveau?renouvellement=${ending}`);
  });

  it('reads a mandate past its end as expired, before and after the worker marked it', async () => {
    // Given a mandate whose end has passed, still marked active
    const ended = await consentedMandate(['money'], 'jeanne');
    await db.query(
      "UPDATE mandates SET starts_at = now() - interval '2 days', expires_at = now() - interval '1 minute' WHERE id = $1",
      [ended],
    );
    const expiredListed = async () =>
      (await agent.get('/mandats').query({ etat: 'expired' }).expect(200)).text.includes(`/mandats/${ended}"`);
    const detailSaysExpired = async () => (await agent.get(`/mandats/${ended}`).expect(200)).text.includes('Expiré');
    // Then the list filter and the detail page say expired
    expect([await expiredListed(), await detailSaysExpired()]).toEqual([true, true]);
    // When the worker's expiry has run
    await app.get(MandateExpiry).expireDue();
    // Then they still do, and the status is recorded
    expect([await expiredListed(), await detailSaysExpired()]).toEqual([true, true]);
    expect((await db.query('SELECT status FROM mandates WHERE id = $1', [ended]))[0].status).toBe('expired');
  });
});
