import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  AttestationsService,
  ConsentChannel,
  consentFactsDigest,
  ConsentService,
  consentTextVersionAt,
  MandateDuration,
  MandateRequests,
  type ConsentFacts,
} from '@relais/mandates';
import { Signer } from '@relais/signing';
import {
  CitizenUserAgent,
  createTestEnvironment,
  readPdf,
  startTestIdentitySandbox,
  type TestEnvironment,
  type TestIdentitySandbox,
} from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole, type TestMember } from './console-helpers.js';
import { franceConnectIdentity } from './franceconnect-identity.js';

/** Text as a reader sees it: entities decoded, every run of spaces (no-break ones too) one space. */
const plain = (text: string) =>
  text.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&').replace(/\s+/g, ' ').trim();

const paragraphsOf = (html: string) =>
  [...html.matchAll(/<p class="fr-text--lg">([^<]*)<\/p>/g)].map((match) => plain(match[1]));

describe('mandates: the consent page and the attestation are rendered from the same consent facts', () => {
  let env: TestEnvironment;
  let sandbox: TestIdentitySandbox;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureId: string;
  let jean: TestMember;

  beforeAll(async () => {
    env = await createTestEnvironment();
    sandbox = await startTestIdentitySandbox({ redirectUris: [] });
    process.env.FRANCECONNECT_ISSUER = sandbox.issuer;
    env.env.FRANCECONNECT_ISSUER = sandbox.issuer;
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app, 'Maison France Services de Vire');
    jean = await createMember(app, structureId, 'jean.sans.nom@example.fr');
    // An aide who gave only a given name.
    await db.query('UPDATE aides SET given_name = $2, family_name = NULL WHERE id = $1', [jean.aideId, 'Jean']);
  });

  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
    await env?.dispose();
  });

  /** The mandate attestation's PDF, as stored (every download gives these bytes). */
  async function attestationText(mandateId: string): Promise<string> {
    const [row] = await db.query("SELECT id FROM attestations WHERE mandate_id = $1 AND kind = 'mandate'", [mandateId]);
    const found = await app.get(AttestationsService).pdf(row.id);
    return plain((await readPdf(found!.pdf)).text);
  }

  it('names an aide who has only a given name identically on the consent page and in the PDF', async () => {
    // Given Jean, with no family name, asking for a mandate on the same device
    const agent = await logIn(app, jean);
    const form = await agent.get('/mandats/nouveau').expect(200);
    const created = await agent
      .post('/mandats')
      .type('form')
      .send({
        _csrf: hidden(form.text, '_csrf'),
        areas: 'papers',
        duration: 'one_month',
        channel: 'same_device',
      });
    const mandateId = created.headers.location.split('/')[2];
    await agent.get(created.headers.location).expect(200);
    const start = await agent.get('/consentement/franceconnect').expect(303);
    const callback = await new CitizenUserAgent(new URL(sandbox.issuer).origin).authorize(
      new URL(start.headers.location),
      'marie-therese',
    );
    await agent.get(callback.pathname + callback.search).expect(303);

    // When the citizen reads the consent page and agrees
    const page = await agent.get('/consentement').expect(200);
    const shown = paragraphsOf(page.text);
    await agent
      .post('/consentement')
      .type('form')
      .send({
        _csrf: hidden(page.text, '_csrf'),
        decision: 'accepter',
        version: hidden(page.text, 'version'),
        digest: hidden(page.text, 'digest'),
      })
      .expect(200);

    // Then the page said "Jean", and the PDF says "Jean" wherever it names the aide, never the email
    expect(shown).toContain(
      'La personne qui m’aide aujourd’hui est Jean. D’autres aidants formés de Maison France Services de Vire peuvent aussi m’aider.',
    );
    const pdf = await attestationText(mandateId);
    expect(pdf).toContain('L’aidant(e) : Jean.');
    expect(pdf).not.toContain('jean.sans.nom@example.fr');
    // And every paragraph the page showed is printed, word for word
    for (const paragraph of shown) expect(pdf).toContain(paragraph);
    const [stored] = await db.query('SELECT consent_facts FROM mandates WHERE id = $1', [mandateId]);
    expect(stored.consent_facts.aide).toEqual({ name: 'Jean' });
    expect(stored.consent_facts.text.paragraphs.map(plain)).toEqual(shown);
  });

  describe('a mandate consented under an older consent text version', () => {
    const underVersion1 = new Date('2026-11-25T10:00:00.000Z');
    let mandateId: string;
    let shown: string[];

    beforeAll(async () => {
      // Given a consent given on 25 November 2026, when version 1 was the current text
      const requests = app.get(MandateRequests);
      const consents = app.get(ConsentService);
      const { mandate } = await requests.request({
        structureId,
        aideId: jean.aideId,
        areas: ['money'],
        duration: MandateDuration.OneMonth,
        channel: ConsentChannel.SameDevice,
      });
      const identity = franceConnectIdentity({
        sub: 'older-version-citizen',
        givenName: 'Aminata',
        familyName: 'Diallo',
        birthdate: '1985-00-00',
        birthcountry: '99343',
        authTime: underVersion1,
      });
      const citizen = await requests.identify(mandate.id, identity);
      const page = await consents.page(mandate.id, citizen.id, underVersion1);
      shown = page.facts.text.paragraphs.map(plain);
      const outcome = await consents.consent(
        {
          mandateId: mandate.id,
          citizenId: citizen.id,
          textVersion: page.text.version,
          textDigest: page.textDigest,
          identification: identity,
        },
        underVersion1,
      );
      expect(outcome).not.toBe('text_changed');
      mandateId = mandate.id;
    });

    it('prints the words of that older version, while a newer one is current', async () => {
      expect(consentTextVersionAt(new Date())).not.toBe('2026-11-v1');
      const pdf = await attestationText(mandateId);
      expect(pdf).toContain('(version 2026-11-v1)');
      expect(pdf).toContain('Mon accord dure 1 mois, jusqu’au 25 décembre 2026.');
      expect(pdf).not.toContain('Mon accord commence le');
      for (const paragraph of shown) expect(pdf).toContain(paragraph);
    });

    it('keeps the facts with the mandate, and the seal covers them', async () => {
      const [row] = await db.query('SELECT consent_facts, consent_text_version, seal FROM mandates WHERE id = $1', [
        mandateId,
      ]);
      const facts = row.consent_facts as ConsentFacts;
      expect(row.consent_text_version).toBe('2026-11-v1');
      expect(facts).toMatchObject({ startsAt: underVersion1.toISOString(), text: { version: '2026-11-v1' } });
      const payload = JSON.parse(Buffer.from(row.seal.split('.')[1], 'base64url').toString());
      expect(payload).toMatchObject({
        version: 3,
        consent: { factsDigest: consentFactsDigest(facts), translation: null },
      });
      expect(JSON.stringify(payload)).not.toContain('Diallo');
    });

    it('refuses the attestation once the kept facts are changed behind the seal', async () => {
      const [attestation] = await db.query("SELECT code FROM attestations WHERE mandate_id = $1 AND kind = 'mandate'", [
        mandateId,
      ]);
      const genuine = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
      expect(genuine.text).toContain('Attestation authentique');
      // When someone with database access rewrites who acted
      await db.query(
        `UPDATE mandates SET consent_facts = jsonb_set(consent_facts, '{aide,name}', '"Quelqu’un d’autre"') WHERE id = $1`,
        [mandateId],
      );
      const refused = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
      expect(refused.text).toContain('Attestation refusée');
    });
  });

  it('still verifies a version 1 seal, made before the facts were kept', async () => {
    // Given a mandate whose seal predates the consent facts: no factsDigest, no facts kept
    const [attestation] = await db.query(
      "SELECT a.code, m.id FROM attestations a JOIN mandates m ON m.id = a.mandate_id WHERE a.kind = 'mandate' LIMIT 1",
    );
    await db.query('UPDATE mandates SET consent_facts = NULL WHERE id = $1', [attestation.id]);
    const signer = app.get(Signer);
    const [mandate] = await db.query('SELECT seal FROM mandates WHERE id = $1', [attestation.id]);
    const payload = JSON.parse(Buffer.from(mandate.seal.split('.')[1], 'base64url').toString());
    delete payload.consent.factsDigest;
    const v1Seal = await signer.sign({ ...payload, version: 1 });
    await db.query('UPDATE mandates SET seal = $2 WHERE id = $1', [attestation.id, v1Seal]);
    await db.query("UPDATE attestations SET seal = $2 WHERE mandate_id = $1 AND kind = 'mandate'", [
      attestation.id,
      v1Seal,
    ]);
    // Then checking its code still says genuine
    const verified = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
    expect(verified.text).toContain('Attestation authentique');
  });
});
