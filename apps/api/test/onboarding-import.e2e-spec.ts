import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { projectRoot } from '@relais/config';
import { ErrorCode } from '@relais/exceptions';
import { AideImportsService } from '@relais/onboarding';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import writeXlsxFile from 'write-excel-file/node';

import { createMember, createStructure, hidden, logIn, startConsole, type TestMember } from './console-helpers.js';

type Agent = ReturnType<typeof request.agent>;

const HEADER = 'Prénom;Nom;Adresse électronique;Rôle;Formé';

/** 20 rows: 17 good ones (every third trained), and lines 5, 9 and 14 wrong in three ways. */
function twentyRows(prefix: string): string {
  const lines = [HEADER];
  for (let i = 1; i <= 20; i++) {
    const line = i + 1;
    if (line === 5) lines.push(`Jeanne;Sans-Arobase;jeanne.${prefix}.example.fr;aidant;oui`);
    else if (line === 9) lines.push(`Marc;Chef;marc.${prefix}@example.fr;directeur;non`);
    else if (line === 14) lines.push(`;Anonyme;anonyme.${prefix}@example.fr;aidant;`);
    else
      lines.push(
        `Prénom${i};Nom${i};aide${i}.${prefix}@example.fr;${i === 1 ? 'responsable' : 'aidant'};${i % 3 ? 'non' : 'oui'}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

describe('aides imported in bulk (CSV or XLSX): preview, then confirm', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureA: string;
  let structureB: string;
  let supervisorA: TestMember;
  let supervisorB: TestMember;
  let operatorMember: TestMember;
  let agentA: Agent;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    structureA = await createStructure(app, 'France Services Import');
    structureB = await createStructure(app, 'Autre structure');
    supervisorA = await createMember(app, structureA, 'resp.a@example.fr', MembershipRole.Supervisor);
    supervisorB = await createMember(app, structureB, 'resp.b@example.fr', MembershipRole.Supervisor);
    operatorMember = await createMember(app, structureB, 'exploitation@example.fr');
    await db.query('UPDATE aides SET operator = true WHERE id = $1', [operatorMember.aideId]);
    agentA = await logIn(app, supervisorA);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  /** Uploads a file from the import page: the CSRF token travels in the form's action. */
  async function upload(agent: Agent, base: string, file: Buffer, name: string, fields: Record<string, string> = {}) {
    const page = await agent.get(base).expect(200);
    const csrf = hidden(page.text, '_csrf');
    let post = agent.post(`${base}?_csrf=${encodeURIComponent(csrf)}`);
    for (const [field, value] of Object.entries(fields)) post = post.field(field, value);
    return post.attach('file', file, name);
  }

  async function confirm(agent: Agent, base: string, previewHtml: string) {
    return agent
      .post(`${base}/confirmation`)
      .type('form')
      .send({ _csrf: hidden(previewHtml, '_csrf'), importToken: hidden(previewHtml, 'importToken') });
  }

  const count = async (sql: string, params: unknown[] = []) => (await db.query(sql, params))[0].n as number;
  const membersOf = (structureId: string) =>
    count('SELECT count(*)::int AS n FROM memberships WHERE structure_id = $1', [structureId]);

  it('a supervisor sees the 3 bad rows of a 20-row CSV named before anything is written, then confirms', async () => {
    const before = await membersOf(structureA);
    const preview = await upload(agentA, '/responsable/import-aidants', Buffer.from(twentyRows('csv')), 'aidants.csv');
    expect(preview.status).toBe(201);
    expect(preview.text).toContain('<strong>17</strong> personnes nouvelles');
    expect(preview.text).toContain('<strong>3</strong> lignes à corriger');
    expect(preview.text).toContain(
      'Ligne 5 (jeanne.csv.example.fr) : L’adresse électronique « jeanne.csv.example.fr » n’est pas valide.',
    );
    expect(preview.text).toContain(
      'Ligne 9 (marc.csv@example.fr) : Rôle inconnu : « directeur ». Écrivez « aidant » ou « responsable ».',
    );
    expect(preview.text).toContain(
      'Ligne 14 (anonyme.csv@example.fr) : Le prénom manque. Formé : écrivez « oui » ou « non ».',
    );
    // Nothing written but the preview itself
    expect(await membersOf(structureA)).toBe(before);
    expect(await count("SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'aides.imported'")).toBe(0);

    const done = await confirm(agentA, '/responsable/import-aidants', preview.text);
    expect(done.status).toBe(201);
    expect(done.text).toContain('17 personnes invitées, dont 6 avec la formation validée.');
    expect(await membersOf(structureA)).toBe(before + 17);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM memberships m JOIN aides a ON a.id = m.aide_id
          WHERE m.structure_id = $1 AND a.email LIKE '%.csv@example.fr' AND m.training_validated_at IS NOT NULL`,
        [structureA],
      ),
    ).toBe(6);
    const [supervisorRow] = await db.query(
      "SELECT m.role FROM memberships m JOIN aides a ON a.id = m.aide_id WHERE a.email = 'aide1.csv@example.fr'",
    );
    expect(supervisorRow.role).toBe('supervisor');
    expect(
      await count(
        "SELECT count(*)::int AS n FROM notifications WHERE kind = 'aide_invited' AND payload ? 'sealedToken'",
      ),
    ).toBe(17);

    // One journal entry with the counts, none per aide
    const journal = await db.query(
      "SELECT action, actor_type, actor_id, structure_id, details FROM audit_outbox WHERE action IN ('aides.imported', 'aide.invited') AND structure_id = $1 AND actor_id = $2",
      [structureA, supervisorA.aideId],
    );
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({
      action: 'aides.imported',
      actor_type: 'aide',
      details: { rows: 20, invited: 17, alreadyMembers: 0, invalid: 3, trained: 6 },
    });

    // The same preview cannot be confirmed twice
    const twice = await confirm(agentA, '/responsable/import-aidants', preview.text);
    expect(twice.status).toBe(410);
    expect(twice.text).toContain('Cet aperçu n’est plus valable');
    expect(await membersOf(structureA)).toBe(before + 17);
  });

  it('previews the README’s example file: 17 new, lines 5, 9 and 14 named', async () => {
    const file = readFileSync(join(projectRoot(), 'docs/examples/aidants-20-lignes.csv'));
    const preview = await upload(agentA, '/responsable/import-aidants', file, 'aidants-20-lignes.csv');
    expect(preview.status).toBe(201);
    expect(preview.text).toContain('Confirmer et inviter 17 personnes');
    expect(preview.text).toContain('Ligne 5 (hugo.lefevre.exemple.fr) : L’adresse électronique');
    expect(preview.text).toContain('Ligne 9 (nathan.roux@exemple.fr) : Rôle inconnu : « stagiaire ».');
    expect(preview.text).toContain(
      'Ligne 14 (sofia.moreau@exemple.fr) : Adresse en double : elle est déjà à la ligne 4.',
    );
  });

  it('marks duplicate addresses within the file and people already in the structure', async () => {
    const csv = [
      'prenom,nom,email,role,forme',
      'Léa,Martin,lea.doublon@example.fr,aidant,oui',
      'Léa,Martin,Lea.Doublon@example.fr,aidant,oui',
      `Resp,A,${supervisorA.email},responsable,oui`,
      'Nina,Nouvelle,nina@example.fr,aidante,non',
    ].join('\n');
    const preview = await upload(agentA, '/responsable/import-aidants', Buffer.from(csv), 'aidants.csv');
    expect(preview.status).toBe(201);
    expect(preview.text).toContain(
      'Ligne 3 (lea.doublon@example.fr) : Adresse en double : elle est déjà à la ligne 2.',
    );
    expect(preview.text).toContain('<strong>1</strong> déjà membre de la structure');
    expect(preview.text).toContain('<strong>2</strong> personnes nouvelles');
    const done = await confirm(agentA, '/responsable/import-aidants', preview.text);
    expect(done.text).toContain('2 personnes invitées, dont 1 avec la formation validée.');
  });

  it('an operator imports an XLSX file into any structure', async () => {
    const operator = await logIn(app, operatorMember);
    const file = await writeXlsxFile([
      ['Prénom', 'Nom', 'Adresse électronique', 'Rôle', 'Formé'].map((value) => ({ value })),
      ['Inès', 'Excel', 'ines.excel@example.fr', 'aidant', 'oui'].map((value) => ({ value })),
      ['Omar', 'Excel', 'omar.excel@example.fr', 'responsable', 'non'].map((value) => ({ value })),
      ['Zoé', 'Excel', 'zoe.excel', 'aidant', 'non'].map((value) => ({ value })),
    ]).toBuffer();
    const page = await operator.get('/operateur/import-aidants').expect(200);
    expect(page.text).toContain('France Services Import');
    const preview = await upload(operator, '/operateur/import-aidants', file, 'aidants.xlsx', {
      structureId: structureA,
    });
    expect(preview.status).toBe(201);
    expect(preview.text).toContain('Structure : <strong>France Services Import</strong>');
    expect(preview.text).toContain('Ligne 4 (zoe.excel) : L’adresse électronique « zoe.excel » n’est pas valide.');
    const done = await confirm(operator, '/operateur/import-aidants', preview.text);
    expect(done.text).toContain('2 personnes invitées, dont 1 avec la formation validée.');
    const [entry] = await db.query(
      "SELECT actor_type, details FROM audit_outbox WHERE action = 'aides.imported' AND actor_id = $1",
      [operatorMember.aideId],
    );
    expect(entry).toMatchObject({ actor_type: 'operator', details: { invited: 2, invalid: 1 } });
  });

  it('keeps a supervisor to their own structure', async () => {
    // A supervisor of B cannot confirm A's preview, nor use the operator import
    const preview = await upload(
      agentA,
      '/responsable/import-aidants',
      Buffer.from(`${HEADER}\nAli;Portée;ali.portee@example.fr;aidant;non\n`),
      'a.csv',
    );
    const agentB = await logIn(app, supervisorB);
    const pageB = await agentB.get('/responsable/import-aidants').expect(200);
    const stolen = await agentB
      .post('/responsable/import-aidants/confirmation')
      .type('form')
      .send({ _csrf: hidden(pageB.text, '_csrf'), importToken: hidden(preview.text, 'importToken') });
    expect(stolen.status).toBe(410);
    expect(await count("SELECT count(*)::int AS n FROM aides WHERE email = 'ali.portee@example.fr'")).toBe(0);
    await agentB.get('/operateur/import-aidants').set('Accept', 'application/json').expect(403);
    const refused = await agentB
      .post(`/operateur/import-aidants?_csrf=${encodeURIComponent(hidden(pageB.text, '_csrf'))}`)
      .set('Accept', 'application/json')
      .field('structureId', structureA)
      .attach('file', Buffer.from(`${HEADER}\n`), 'a.csv');
    expect(refused.status).toBe(403);

    // The service itself refuses a supervisor importing into another structure
    const imports = app.get(AideImportsService);
    await expect(
      imports.preview(structureA, Buffer.from(`${HEADER}\n`), { type: AuditActorType.Aide, id: supervisorB.aideId }),
    ).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    // An aide who is not a supervisor is refused too
    const aide = await createMember(app, structureA, 'simple.aide@example.fr');
    await expect(
      imports.preview(structureA, Buffer.from(`${HEADER}\n`), { type: AuditActorType.Aide, id: aide.aideId }),
    ).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    // The same person confirms it
    expect((await confirm(agentA, '/responsable/import-aidants', preview.text)).status).toBe(201);
  });

  it('answers a bad upload with the form and a French message', async () => {
    const noFile = await agentA
      .post(
        `/responsable/import-aidants?_csrf=${encodeURIComponent(hidden((await agentA.get('/responsable/import-aidants')).text, '_csrf'))}`,
      )
      .field('x', '1');
    expect(noFile.status).toBe(400);
    expect(noFile.text).toContain('Choisissez un fichier CSV ou Excel (.xlsx) de la liste des aidants.');
    const wrongColumns = await upload(
      agentA,
      '/responsable/import-aidants',
      Buffer.from('nom;téléphone\nMartin;0600\n'),
      'x.csv',
    );
    expect(wrongColumns.status).toBe(400);
    expect(wrongColumns.text).toContain(
      'Il manque les colonnes « prénom », « adresse électronique », « rôle », « formé ».',
    );
    const pdf = await upload(
      agentA,
      '/responsable/import-aidants',
      Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2]),
      'x.pdf',
    );
    expect(pdf.status).toBe(400);
    expect(pdf.text).toContain('Ce fichier n’est ni un tableau Excel (.xlsx) ni un fichier CSV.');
    // Over 5 MB: refused by the upload limit, with the French page
    const huge = await upload(agentA, '/responsable/import-aidants', Buffer.alloc(6 * 1024 * 1024, 'a'), 'x.csv');
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('Un fichier dépasse la taille permise.');
    // Names are shown escaped
    const html = await upload(
      agentA,
      '/responsable/import-aidants',
      Buffer.from(`${HEADER}\n<script>alert(1)</script>;Nom;x@example.fr;aidant;oui\n`),
      'x.csv',
    );
    expect(html.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.text).not.toContain('<script>alert(1)');
    // Without the CSRF token, the upload is refused before it is read
    const forged = await agentA.post('/responsable/import-aidants').attach('file', Buffer.from(`${HEADER}\n`), 'a.csv');
    expect(forged.status).toBe(403);
  });
});
