import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

describe('operator CLI: structures', () => {
  let env: TestEnvironment;
  let db: pg.Client;

  const cli = (...args: string[]) => runCli(env, args);

  const create = (overrides: Record<string, string> = {}) => {
    const options = {
      siret: '217 500 016 00019',
      name: 'France Services de Belleville',
      address: '12 rue de Belleville, 75020 Paris',
      type: 'france_services',
      areas: 'papers,money',
      ...overrides,
    };
    return cli('structure:create', ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]));
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('registers a structure, prints its id and journals it', async () => {
    // When the operator registers a structure
    const result = await create();
    // Then the command prints the new id alone on stdout and confirms in French
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(result.stderr).toContain('Structure « France Services de Belleville » enregistrée (SIRET 21750001600019).');
    // And the structure and its audit event are in the database
    const { rows } = await db.query('SELECT siret, areas FROM structures WHERE id = $1', [id]);
    expect(rows).toEqual([{ siret: '21750001600019', areas: ['papers', 'money'] }]);
    const outbox = await db.query('SELECT action, actor_type FROM audit_outbox WHERE structure_id = $1', [id]);
    expect(outbox.rows).toEqual([{ action: 'structure.created', actor_type: 'operator' }]);
  });

  it('lists the registered structures in a table', async () => {
    const { code, stdout } = await cli('structure:list');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SIRET\s+Nom\s+Type\s+Démarches\s+Active$/);
    expect(lines[2]).toMatch(/^21750001600019\s+France Services de Belleville\s+france_services\s+papers,money\s+oui$/);
  });

  it('exits 1 with the French message for an invalid SIRET', async () => {
    const result = await create({ siret: '21750001600018' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Erreur : Le numéro SIRET doit comporter 14 chiffres et être valide. Vérifiez-le.');
    expect(result.stdout).toBe('');
  });

  it('exits 1 with the French message for a SIRET already registered', async () => {
    const result = await create({ name: 'Autre nom' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Erreur : Une structure avec ce numéro SIRET existe déjà.');
  });

  it('exits 1 and names an unknown procedure area', async () => {
    const result = await create({ siret: '73282932000074', areas: 'papers,impots' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Erreur : Démarche inconnue : « impots ». Démarches possibles : papers, family,');
    const { rows } = await db.query("SELECT count(*)::int AS n FROM structures WHERE siret = '73282932000074'");
    expect(rows[0].n).toBe(0);
  });

  it('exits 1 and names the refused field for an unknown type', async () => {
    const result = await create({ siret: '73282932000074', type: 'mairie' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Erreur : Certaines informations envoyées ne sont pas valides.');
    expect(result.stderr).toContain('type : Type inconnu. Types possibles : france_services, ccas, town_hall');
  });
});
