import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

describe('operator CLI: aide:invite', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  const SIRET = '73282932000074';
  const cli = (...args: string[]) => runCli(env, args);

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    const created = await cli(
      'structure:create',
      ...['--siret', SIRET, '--name', 'CCAS de Lille', '--address', '1 place Augustin Laurent, 59000 Lille'],
      ...['--type', 'ccas', '--areas', 'papers,social,money'],
    );
    expect(created.code).toBe(0);
  });

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('invites a supervisor and prints a single-use link valid 72 h', async () => {
    const result = await cli(
      'aide:invite',
      '--structure',
      SIRET,
      '--email',
      'Responsable@Ccas-Lille.fr',
      '--role',
      'supervisor',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/http:\/\/localhost:3000\/invitation\/[\w-]{43}/);
    const [membership] = (
      await db.query(
        `SELECT m.role, a.email FROM memberships m JOIN aides a ON a.id = m.aide_id JOIN structures s ON s.id = m.structure_id WHERE s.siret = $1`,
        [SIRET],
      )
    ).rows;
    expect(membership).toEqual({ role: 'supervisor', email: 'responsable@ccas-lille.fr' });
  });

  it('refuses an unknown structure with a French message', async () => {
    const result = await cli(
      'aide:invite',
      '--structure',
      '35600000000048',
      '--email',
      'x@example.fr',
      '--role',
      'aide',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Aucune structure');
  });

  it('refuses an unknown role', async () => {
    const result = await cli('aide:invite', '--structure', SIRET, '--email', 'x@example.fr', '--role', 'admin');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--role must be one of');
  });
});
