import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

const DEMO_FILE = join(projectRoot(), 'database/seeds/lieux-de-mediation-numerique.demo.json');

const place = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  nom: `Lieu ${id}`,
  pivot: '21750001600019',
  commune: 'Paris',
  code_postal: '75020',
  adresse: '1 rue de la Paix',
  date_maj: '2026-11-01',
  latitude: 48.86,
  longitude: 2.39,
  ...fields,
});

describe('places:import', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let folder: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client(env.databaseUrl);
    await db.connect();
    folder = await mkdtemp(join(tmpdir(), 'relais-places-'));
  });

  afterAll(async () => {
    await db?.end();
    await env?.dispose();
  });

  const file = async (name: string, content: string) => {
    const path = join(folder, name);
    await writeFile(path, content);
    return path;
  };
  const names = async () =>
    (await db.query('SELECT name FROM mediation_places ORDER BY name')).rows.map((row) => row.name);

  it('imports the demo file: every place valid against the national schema', async () => {
    const result = await runCli(env, ['places:import', DEMO_FILE]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('31 lieux importés, 0 ligne ignorée.');
    const [row] = (
      await db.query(
        "SELECT department, services, opening_hours FROM mediation_places WHERE source_id = 'demo-lieu-001'",
      )
    ).rows;
    expect(row).toEqual({
      department: '75',
      services: ['Aide aux démarches administratives', 'Accès internet et matériel informatique'],
      opening_hours: 'Mo-Fr 09:00-12:30,13:30-17:00',
    });
  });

  it('reports each bad row with its line and the reason, skips it, imports the rest and replaces what was there', async () => {
    // Given a CSV with a good row, a bad postcode, an unknown service, a latitude out of range and a duplicate id
    const csv = [
      'id;nom;pivot;commune;code_postal;adresse;date_maj;latitude;longitude;services',
      'a;Maison des services;21750001600019;Paris;75020;1 rue de la Paix;2026-11-01;48,86;2,39;Aide aux démarches administratives',
      'b;Mauvais code postal;21750001600019;Paris;7502;1 rue;2026-11-01;;;',
      'c;Service inconnu;21750001600019;Paris;75020;1 rue;2026-11-01;;;Réparer des vélos',
      'd;Latitude folle;21750001600019;Paris;75020;1 rue;2026-11-01;500;2;',
      'a;Doublon;21750001600019;Paris;75020;1 rue;2026-11-01;;;',
      'e;Sans adresse;21750001600019;Paris;75020;;2026-11-01;;;',
    ].join('\n');

    const result = await runCli(env, ['places:import', await file('lieux.csv', `\uFEFF${csv}\n`)]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Ligne 3 ignorée (code_postal) : Le code postal 7502 n');
    expect(result.stderr).toContain("Ligne 4 ignorée (services) : Le service 'Réparer des vélos'");
    expect(result.stderr).toContain('Ligne 5 ignorée (latitude) : La latitude doit être un nombre entre -90 et 90.');
    expect(result.stderr).toContain('Ligne 6 ignorée (id) : L’identifiant a est en double.');
    expect(result.stderr).toContain('Ligne 7 ignorée (adresse) : Le champ obligatoire adresse est absent.');
    expect(result.stderr).toContain('1 lieu importé, 5 lignes ignorées.');
    // and the demo places imported before are gone: a re-import replaces
    expect(await names()).toEqual(['Maison des services']);
    const journal = await db.query("SELECT details FROM audit_outbox WHERE action = 'places.imported' ORDER BY id");
    expect(journal.rows.at(-1).details).toEqual({ imported: 1, rejected: 5 });
  });

  it('imports a JSON array, naming bad items by their position', async () => {
    const json = JSON.stringify([place('j1'), place('j2', { pivot: 'pas-un-siret' }), 'pas un objet']);

    const result = await runCli(env, ['places:import', await file('lieux.json', json)]);

    expect(result.stderr).toContain('Ligne 2 ignorée (pivot)');
    expect(result.stderr).toContain('Ligne 3 ignorée (id) : Le champ obligatoire id est absent.');
    expect(await names()).toEqual(['Lieu j1']);
  });

  it('refuses an unreadable file in French and changes nothing', async () => {
    const before = await names();

    const broken = await runCli(env, ['places:import', await file('casse.json', '{"pas": "un tableau"')]);
    const missing = await runCli(env, ['places:import', join(folder, 'absent.csv')]);

    for (const result of [broken, missing]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Erreur : Ce fichier ne peut pas être lu');
    }
    expect(await names()).toEqual(before);
  });
});
