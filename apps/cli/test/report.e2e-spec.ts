import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestEnvironment, runCli, testSiret, type TestEnvironment } from '@relais/testing';

describe('operator CLI: report:export and report:verify', () => {
  let env: TestEnvironment;
  let dir: string;
  const siret = testSiret();
  const day = (offset: number) =>
    new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const exportAs = (format: string, out: string) =>
    runCli(env, [
      'report:export',
      '--structure',
      siret,
      '--from',
      day(-1),
      '--to',
      day(1),
      '--format',
      format,
      '--out',
      out,
    ]);

  beforeAll(async () => {
    env = await createTestEnvironment();
    dir = mkdtempSync(join(tmpdir(), 'relais-report-'));
    // Given a structure whose creation and first invitation are sealed in the journal
    expect(
      (
        await runCli(env, [
          'structure:create',
          '--siret',
          siret,
          '--name',
          'France Services Paris 20e',
          '--address',
          '12 rue de Belleville, 75020 Paris',
          '--type',
          'france_services',
          '--areas',
          'papers,money',
        ])
      ).code,
    ).toBe(0);
    const invited = await runCli(env, [
      'aide:invite',
      '--structure',
      siret,
      '--email',
      'resp@example.fr',
      '--role',
      'supervisor',
    ]);
    expect(invited.code).toBe(0);
    expect((await runCli(env, ['audit:seal'])).code).toBe(0);
  }, 90_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await env?.dispose();
  });

  it('exports a signed CSV that verifies, still after a key rotation, and names a changed row', async () => {
    const out = join(dir, 'journal.csv');
    const exported = await exportAs('csv', out);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Signature : ');
    expect(readFileSync(`${out}.jws`, 'utf8')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

    const verified = await runCli(env, ['report:verify', out]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Rapport authentique et complet');

    expect((await runCli(env, ['keys:rotate'])).code).toBe(0);
    expect((await runCli(env, ['report:verify', out, `${out}.jws`])).code).toBe(0);

    const lines = readFileSync(out, 'utf8').split('\r\n');
    lines[1] = lines[1].replace('France', 'Frxnce').replace('structure.created', 'structure.creatde');
    writeFileSync(out, lines.join('\r\n'));
    const refused = await runCli(env, ['report:verify', out]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Rapport NON conforme');
    expect(refused.stdout).toMatch(/La ligne 2 \(entrée n° \d+\) a été modifiée/);
  }, 90_000);

  it('exports a PDF that verifies, and refuses an unknown structure in French', async () => {
    const out = join(dir, 'journal.pdf');
    expect((await exportAs('pdf', out)).code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await runCli(env, ['report:verify', out])).stdout).toContain('Rapport authentique');

    const unknown = await runCli(env, [
      'report:export',
      '--structure',
      testSiret(),
      '--from',
      day(-1),
      '--to',
      day(1),
      '--format',
      'csv',
      '--out',
      join(dir, 'x.csv'),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Erreur : Aucune structure ne correspond à ce numéro SIRET.');
  }, 90_000);
});
