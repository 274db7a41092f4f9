import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '@relais/config';
import {
  AttestationsService,
  ConsentChannel,
  consentFactsDigest,
  ConsentService,
  ConsentTranslations,
  MandateDuration,
  MandateRequests,
  shownTranslationDigest,
  type ConsentFacts,
} from '@relais/mandates';
import { Signer } from '@relais/signing';
import {
  CitizenUserAgent,
  createTestEnvironment,
  readPdf,
  runCli,
  startTestIdentitySandbox,
  type TestEnvironment,
  type TestIdentitySandbox,
} from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole, type TestMember } from './console-helpers.js';
import { franceConnectIdentity } from './franceconnect-identity.js';

const run = promisify(execFile);
const SEEDS = join(projectRoot(), 'database/seeds/consent-translations');
const seed = async (lang: string) => JSON.parse(await readFile(join(SEEDS, `2026-12-v2.${lang}.json`), 'utf8'));

/** Text as a reader sees it: entities decoded, every run of spaces one space. */
const plain = (text: string) =>
  text.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&').replace(/\s+/g, ' ').trim();

/** An English translation of the first consent text version (seven paragraphs). */
const ENGLISH_V1 = {
  notice: 'For information only: the French text is binding.',
  paragraphs: [
    'I am {citizenName}.',
    'I agree that {structureName} may do online procedures in my place.',
    'The person helping me today is {aideName}. Other trained aides of {structureName} may also help me.',
    'The procedures: {areas}.',
    'My consent lasts {duration}, until {expiresAt}.',
    'I can stop my consent whenever I want. I only need to ask {structureName}.',
    'My information is used only for these procedures. It is given to no one else.',
  ],
  areas: {
    papers: 'Papers',
    family: 'Family',
    social: 'Social matters',
    work: 'Work',
    housing: 'Housing',
    transport: 'Transport',
    money: 'Money',
    justice: 'Justice',
    foreigners: 'Foreigners',
    leisure: 'Leisure',
  },
  durations: { one_day: '1 day', one_month: '1 month', six_months: '6 months', twelve_months: '12 months' },
};

/**
 * Renders each page of a PDF to a grey map (pdftoppm, 1 pixel per point) and looks for a
 * right-to-left block: the quotation's blue rule on the right margin, with lines of text ending
 * at the same right edge beside it, and some short line starting far from the left margin.
 */
async function rightToLeftBlock(pdf: Buffer): Promise<{ page: number; lines: number; shortLineStart: number } | null> {
  const dir = await mkdtemp(join(tmpdir(), 'relais-rtl-'));
  try {
    await writeFile(join(dir, 'a.pdf'), pdf);
    await run('pdftoppm', ['-gray', '-r', '72', join(dir, 'a.pdf'), join(dir, 'page')]);
    if (process.env.RELAIS_KEEP_PDF) await writeFile(process.env.RELAIS_KEEP_PDF, pdf);
    for (const file of (await readdir(dir)).filter((name) => name.endsWith('.pgm')).sort()) {
      const bytes = await readFile(join(dir, file));
      const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'))!;
      const [width, height] = [Number(header[1]), Number(header[2])];
      const pixels = bytes.subarray(header[0].length);
      const ink = (x: number, y: number) => pixels[y * width + x] < 110;
      // The rule of a right-to-left quotation: x 530–533 pt (right margin 62 pt, 3 pt wide).
      const ruleRows = [...Array(height).keys()].filter((y) => ink(531, y) && ink(532, y));
      if (ruleRows.length < 100) continue;
      const [top, bottom] = [ruleRows[0], ruleRows.at(-1)!];
      const rows = [...Array(bottom - top).keys()]
        .map((index) => top + index)
        .map((y) => {
          const xs = [...Array(520 - 62).keys()].map((index) => 62 + index).filter((x) => ink(x, y));
          return xs.length ? { y, left: xs[0], right: xs.at(-1)! } : null;
        })
        .filter((row) => row !== null);
      // Text lines: runs of inked rows (a gap of up to 3 rows joins the marks above the letters).
      const runs: { top: number; bottom: number; left: number; right: number }[] = [];
      for (const row of rows) {
        const line = runs.at(-1);
        if (line && row.y - line.bottom <= 3) {
          Object.assign(line, {
            bottom: row.y,
            left: Math.min(line.left, row.left),
            right: Math.max(line.right, row.right),
          });
        } else {
          runs.push({ top: row.y, bottom: row.y, left: row.left, right: row.right });
        }
      }
      const textLines = runs.filter((line) => line.bottom - line.top >= 5);
      const rightAligned = textLines.filter((line) => line.right >= 505);
      if (textLines.length === 0 || rightAligned.length < textLines.length * 0.9) continue;
      const lines = textLines;
      return {
        page: Number(/-(\d+)\.pgm$/.exec(file)![1]),
        lines: lines.length,
        shortLineStart: Math.max(...lines.map((line) => line.left)),
      };
    }
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the consent text in the citizen’s language, and the money warning', () => {
  let env: TestEnvironment;
  let sandbox: TestIdentitySandbox;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureId: string;
  let aide: TestMember;

  beforeAll(async () => {
    env = await createTestEnvironment();
    sandbox = await startTestIdentitySandbox({ redirectUris: [] });
    process.env.FRANCECONNECT_ISSUER = sandbox.issuer;
    env.env.FRANCECONNECT_ISSUER = sandbox.issuer;
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app, 'Maison France Services de Belleville');
    aide = await createMember(app, structureId, 'aidant.traductions@example.fr');
    const translations = app.get(ConsentTranslations);
    await translations.add('2026-12-v2', 'ar', await seed('ar'));
    await translations.add('2026-12-v2', 'en', await seed('en'));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
    await env?.dispose();
  });

  /** Logged in as the aide, asks for a same-device mandate and has Marie-Thérèse identify; returns the agent. */
  async function identifiedCitizen(areas: string[]) {
    const agent = await logIn(app, aide);
    const form = await agent.get('/mandats/nouveau').expect(200);
    const created = await agent
      .post('/mandats')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), areas, duration: 'six_months', channel: 'same_device' });
    expect(created.status).toBe(303);
    const mandateId = created.headers.location.split('/')[2];
    await agent.get(created.headers.location).expect(200);
    const start = await agent.get('/consentement/franceconnect').expect(303);
    const callback = await new CitizenUserAgent(new URL(sandbox.issuer).origin).authorize(
      new URL(start.headers.location),
      'marie-therese',
    );
    await agent.get(callback.pathname + callback.search).expect(303);
    return { agent, mandateId };
  }

  it('shows the Arabic translation beside the French, seals its language and digest, and prints both right to left', async () => {
    // Given an identified citizen on the consent page, in French, offered English and Arabic
    const { agent, mandateId } = await identifiedCitizen(['papers']);
    const french = await agent.get('/consentement').expect(200);
    expect(french.text).toContain('<form method="get" action="/consentement"');
    expect(french.text).toContain('<option value="ar" lang="ar">العربية (arabe)</option>');
    expect(french.text).toContain('<option value="en" lang="en">English (anglais)</option>');
    expect(french.text).not.toContain('dir="rtl"');

    // When she chooses Arabic (the form's GET) and agrees
    const page = await agent.get('/consentement').query({ langue: 'ar' }).expect(200);
    expect(page.text).toContain('lang="ar" dir="rtl"');
    expect(page.text).toContain('<div class="relais-consent fr-p-3w" lang="fr">');
    expect(page.text).toContain(
      '<p class="fr-text--lg relais-translation">أنا Marie-Thérèse Hélène Lefèvre-Ndiaye.</p>',
    );
    expect(page.text).toContain('Cette traduction n’a pas encore été vérifiée par un traducteur assermenté.');
    expect(page.text).toContain('Je suis Marie-Thérèse Hélène Lefèvre-Ndiaye.');
    await agent
      .post('/consentement')
      .type('form')
      .send({
        _csrf: hidden(page.text, '_csrf'),
        decision: 'accepter',
        version: hidden(page.text, 'version'),
        digest: hidden(page.text, 'digest'),
        langue: hidden(page.text, 'langue'),
        traduction: hidden(page.text, 'traduction'),
      })
      .expect(200);

    // Then the facts keep the Arabic shown, and the seal (version 3) records its language and digests
    const [row] = await db.query('SELECT consent_facts, seal FROM mandates WHERE id = $1', [mandateId]);
    const facts = row.consent_facts as ConsentFacts;
    expect(facts.translation).toMatchObject({ lang: 'ar', dir: 'rtl', revision: 1, reviewed: false });
    const payload = JSON.parse(Buffer.from(row.seal.split('.')[1], 'base64url').toString());
    expect(payload.version).toBe(3);
    expect(payload.consent.translation).toEqual({
      lang: 'ar',
      revision: 1,
      templateDigest: facts.translation!.templateDigest,
      digest: shownTranslationDigest(facts.translation!),
    });
    expect(payload.consent.factsDigest).toBe(consentFactsDigest(facts));
    expect(hidden(page.text, 'traduction')).toBe(shownTranslationDigest(facts.translation!));

    // And the PDF holds the French text and the Arabic one (its words in logical order for readers)
    const [attestation] = await db.query('SELECT id, code FROM attestations WHERE mandate_id = $1', [mandateId]);
    const { pdf } = (await app.get(AttestationsService).pdf(attestation.id))!;
    const content = await readPdf(pdf);
    for (const paragraph of facts.text.paragraphs) expect(plain(content.text)).toContain(plain(paragraph));
    expect(content.text).toContain('Vous avez aussi lu ce texte en arabe (traduction n° 1).');
    const alternatives = content.tags.filter((tag) => tag.role === 'P' && tag.alt).map((tag) => tag.alt);
    expect(alternatives).toEqual([facts.translation!.notice, ...facts.translation!.paragraphs]);
    // Drawn right to left: a block ruled on the right, every line ending at the right edge.
    const block = await rightToLeftBlock(pdf);
    expect(block).not.toBeNull();
    expect(block!.lines).toBeGreaterThanOrEqual(facts.translation!.paragraphs.length);
    expect(block!.shortLineStart).toBeGreaterThan(250);
    // Still a genuine attestation
    const verified = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
    expect(verified.text).toContain('Attestation authentique');
    // And the aide's page of the mandate says which translation was read
    const detail = await agent.get(`/mandats/${mandateId}`).expect(200);
    expect(plain(detail.text)).toContain(
      '<dt>Texte lu aussi en</dt><dd>arabe (traduction, révision 1) ; le texte en français fait foi</dd>',
    );
  }, 90_000);

  it('refuses a language without a translation, with a French page, and keeps the French page working', async () => {
    const { agent } = await identifiedCitizen(['papers']);
    for (const langue of ['xx', 'es', '<script>']) {
      const refused = await agent.get('/consentement').query({ langue }).set('Accept', 'text/html').expect(404);
      expect(refused.text).toContain('Ce texte n’est pas traduit dans cette langue.');
      expect(refused.text).not.toContain('<script>');
    }
    // A form posted with a language that has no translation is not sealed.
    const page = await agent.get('/consentement').expect(200);
    const posted = await agent
      .post('/consentement')
      .type('form')
      .set('Accept', 'text/html')
      .send({
        _csrf: hidden(page.text, '_csrf'),
        decision: 'accepter',
        version: hidden(page.text, 'version'),
        digest: hidden(page.text, 'digest'),
        langue: 'xx',
        traduction: 'forged',
      });
    expect(posted.status).toBe(404);
    await agent.get('/consentement').expect(200);
  }, 60_000);

  it('asks again when the translation changed while the citizen read it', async () => {
    const { agent, mandateId } = await identifiedCitizen(['papers']);
    const page = await agent.get('/consentement').query({ langue: 'en' }).expect(200);
    // A new revision of the English translation is added meanwhile
    const english = await seed('en');
    await app.get(ConsentTranslations).add('2026-12-v2', 'en', { ...english, notice: `${english.notice} (revised)` });
    const posted = await agent
      .post('/consentement')
      .type('form')
      .send({
        _csrf: hidden(page.text, '_csrf'),
        decision: 'accepter',
        version: hidden(page.text, 'version'),
        digest: hidden(page.text, 'digest'),
        langue: 'en',
        traduction: hidden(page.text, 'traduction'),
      });
    expect(posted.status).toBe(409);
    expect(posted.text).toContain('Le texte a changé');
    expect(posted.text).toContain('(revised)');
    const [row] = await db.query('SELECT status FROM mandates WHERE id = $1', [mandateId]);
    expect(row.status).toBe('pending_consent');
  }, 60_000);

  describe('a translation of an older consent text version', () => {
    const underVersion1 = new Date('2026-11-25T10:00:00.000Z');
    let mandateId: string;

    beforeAll(async () => {
      // Given an English translation of version 1, and a consent given under version 1 with it shown
      await app.get(ConsentTranslations).add('2026-11-v1', 'en', ENGLISH_V1);
      const requests = app.get(MandateRequests);
      const consents = app.get(ConsentService);
      const { mandate } = await requests.request({
        structureId,
        aideId: aide.aideId,
        areas: ['money'],
        duration: MandateDuration.OneMonth,
        channel: ConsentChannel.SameDevice,
      });
      const identity = franceConnectIdentity({ sub: 'older-translation-citizen', authTime: underVersion1 });
      const citizen = await requests.identify(mandate.id, identity);
      const page = await consents.page(mandate.id, citizen.id, underVersion1, 'en');
      const outcome = await consents.consent(
        {
          mandateId: mandate.id,
          citizenId: citizen.id,
          textVersion: page.text.version,
          textDigest: page.textDigest,
          translation: { lang: 'en', digest: page.translationDigest! },
          identification: identity,
        },
        underVersion1,
      );
      expect(outcome).not.toBe('text_changed');
      mandateId = mandate.id;
      // And later, a corrected revision of that translation
      await app
        .get(ConsentTranslations)
        .add('2026-11-v1', 'en', { ...ENGLISH_V1, notice: 'Corrected: only the French text is binding.' });
    });

    it('still prints the words of that version and revision for its mandate', async () => {
      const [attestation] = await db.query('SELECT id, code FROM attestations WHERE mandate_id = $1', [mandateId]);
      const { pdf } = (await app.get(AttestationsService).pdf(attestation.id))!;
      const text = plain((await readPdf(pdf)).text);
      expect(text).toContain('(version 2026-11-v1)');
      expect(text).toContain('Vous avez aussi lu ce texte en anglais (traduction n° 1).');
      expect(text).toContain('For information only: the French text is binding.');
      expect(text).toContain('My consent lasts 1 month, until 25 December 2026.');
      expect(text).toContain('The procedures: Money.');
      expect(text).not.toContain('Corrected');
      const verified = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
      expect(verified.text).toContain('Attestation authentique');
    });
  });

  it('still verifies a version 2 seal, made before translations were sealed', async () => {
    // Given a French-only mandate whose seal is rewritten as version 2 had it: no consent.translation
    const { agent, mandateId } = await identifiedCitizen(['papers']);
    const page = await agent.get('/consentement').expect(200);
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
    const [row] = await db.query('SELECT seal, consent_facts FROM mandates WHERE id = $1', [mandateId]);
    const payload = JSON.parse(Buffer.from(row.seal.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ version: 3, consent: { translation: null } });
    expect(row.consent_facts).not.toHaveProperty('translation');
    delete payload.consent.translation;
    const v2Seal = await app.get(Signer).sign({ ...payload, version: 2 });
    await db.query('UPDATE mandates SET seal = $2 WHERE id = $1', [mandateId, v2Seal]);
    await db.query("UPDATE attestations SET seal = $2 WHERE mandate_id = $1 AND kind = 'mandate'", [mandateId, v2Seal]);
    // Then its attestation code still checks as genuine
    const [attestation] = await db.query('SELECT code FROM attestations WHERE mandate_id = $1', [mandateId]);
    const verified = await request(app.getHttpServer()).get(`/verify/${attestation.code}`).expect(200);
    expect(verified.text).toContain('Attestation authentique');
  }, 60_000);

  describe('the money warning', () => {
    const WARNING = 'un dossier de surendettement doit être signé par la personne elle-même';

    it('is on the mandate form, beside the money area', async () => {
      const agent = await logIn(app, aide);
      const form = await agent.get('/mandats/nouveau').expect(200);
      const money = /<label class="fr-label" for="area-money">([\s\S]*?)<\/label>/.exec(form.text)![1];
      expect(plain(money)).toContain(`Attention : ${WARNING}`);
      const papers = /<label class="fr-label" for="area-papers">([\s\S]*?)<\/label>/.exec(form.text)![1];
      expect(papers).not.toContain('surendettement');
    });

    it('is on the consent page when money is asked, and only then', async () => {
      const withMoney = await identifiedCitizen(['papers', 'money']);
      const page = await withMoney.agent.get('/consentement').expect(200);
      expect(page.text).toContain('Pour un dossier de surendettement, c’est vous qui signez');
      expect(plain(page.text)).toContain('un dossier de surendettement doit être signé par vous-même');
      const without = await identifiedCitizen(['papers']);
      expect((await without.agent.get('/consentement').expect(200)).text).not.toContain('surendettement');
    }, 60_000);
  });

  it('lets an operator list and add translations on the operator page, and no one else', async () => {
    // An aide who is not an operator is refused
    const notOperator = await logIn(app, aide);
    await notOperator.get('/operateur/traductions').set('Accept', 'text/html').expect(403);
    // An operator sees the stored revisions
    const operator = await createMember(app, structureId, 'operatrice.traductions@example.fr');
    await db.query('UPDATE aides SET operator = true WHERE id = $1', [operator.aideId]);
    const agent = await logIn(app, operator);
    const page = await agent.get('/operateur/traductions').expect(200);
    expect(plain(page.text)).toContain('<td>2026-12-v2</td><td>arabe</td><td>1</td><td>Non, à faire relire</td>');
    // A file that is not JSON is refused on the form, under the field
    const broken = await agent
      .post('/operateur/traductions')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), version: '2026-12-v2', lang: 'ar', content: '{ pas du json' });
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('id="content-erreur"');
    expect(broken.text).toContain('Cette traduction ne peut pas être ajoutée : le contenu n’est pas du JSON valide.');
    // A reviewed revision of the Arabic translation is added and journaled with the operator
    const added = await agent
      .post('/operateur/traductions')
      .type('form')
      .send({
        _csrf: hidden(page.text, '_csrf'),
        version: '2026-12-v2',
        lang: 'ar',
        content: JSON.stringify(await seed('ar')),
        reviewed: 'oui',
      });
    expect(added.status).toBe(303);
    const [row] = await db.query(
      "SELECT revision, reviewed FROM consent_translations WHERE text_version = '2026-12-v2' AND lang = 'ar' ORDER BY revision DESC LIMIT 1",
    );
    expect(row).toEqual({ revision: 2, reviewed: true });
    const [event] = await db.query(
      "SELECT actor_id, details FROM audit_outbox WHERE action = 'consent.translation_added' AND details->>'reviewed' = 'true'",
    );
    expect(event.actor_id).toBe(operator.aideId);
    expect(event.details).toMatchObject({ textVersion: '2026-12-v2', lang: 'ar', revision: 2, reviewed: true });
  }, 60_000);

  it('adds a translation from the command line, once per revision, and refuses a bad file', async () => {
    const added = await runCli(env, ['consent:translation:add', '2026-12-v2', 'ar', join(SEEDS, '2026-12-v2.ar.json')]);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/Traduction ar du texte 2026-12-v2 ajoutée : révision \d+ \(à faire relire/);
    // The same words again make no new revision.
    const again = await runCli(env, ['consent:translation:add', '2026-12-v2', 'ar', join(SEEDS, '2026-12-v2.ar.json')]);
    expect(again.stdout).toContain('Rien à ajouter : la révision');
    const dir = await mkdtemp(join(tmpdir(), 'relais-translation-'));
    try {
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ ...(await seed('en')), paragraphs: ['I am {citizenName}.'] }));
      const refused = await runCli(env, ['consent:translation:add', '2026-12-v2', 'en', bad]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('le texte français 2026-12-v2 a 9 paragraphes, la traduction en a 1.');
      const unknown = await runCli(env, ['consent:translation:add', '2025-01-v0', 'en', bad]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('Versions publiées : 2026-11-v1, 2026-12-v2.');
      const listed = await runCli(env, ['consent:translation:list']);
      expect(listed.stdout).toMatch(/2026-12-v2\s+ar\s+1\s+no/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const [{ count }] = await db.query(
      "SELECT count(*)::int AS count FROM audit_outbox WHERE action = 'consent.translation_added'",
    );
    expect(count).toBeGreaterThanOrEqual(4);
  }, 90_000);
});
