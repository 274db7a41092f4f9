import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

describe('operator CLI', () => {
  let env: TestEnvironment;
  let db: pg.Client;

  const cli = (...args: string[]) => runCli(env, args);

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('reports the database up to date when every migration is applied', async () => {
    const result = await cli('db:migrate');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Database is up to date.') });
  });

  it('refuses to run with a malformed setting and names it', async () => {
    const { code, stderr } = await runCli(env, ['db:migrate'], { DATABASE_URL: 'pas-une-url' });
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL');
  });

  it('seals pending events and verifies an intact chain', async () => {
    await db.query(
      `INSERT INTO audit_outbox (occurred_at, actor_type, action) SELECT now(), 'system', 'platform.demo_seeded' FROM generate_series(1, 5)`,
    );
    // Sealing waits for older writing transactions cluster-wide (other suites'), hence the loop.
    const deadline = Date.now() + 20_000;
    let sealed = 0;
    while (sealed < 5 && Date.now() < deadline) {
      const { stdout } = await cli('audit:seal');
      sealed += Number(/Sealed (\d+) event/.exec(stdout)?.[1] ?? 0);
    }
    expect(sealed).toBe(5);
    const verify = await cli('audit:verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('OK: 5 entries, chain intact');
  });

  it('exits 1 and names the first tampered entry', async () => {
    await db.query("SET session_replication_role = 'replica'");
    await db.query(`UPDATE audit_journal SET action = 'mandate.revoked' WHERE seq = 4`);
    await db.query("SET session_replication_role = 'origin'");
    const verify = await cli('audit:verify');
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('BROKEN at seq 4: hash_mismatch');
    expect(verify.stderr).toContain('3 entries before it are intact.');
  });

  it('prints the environment-variable table', async () => {
    const { stdout } = await cli('docs:env-vars');
    expect(stdout).toContain('| `DATABASE_URL` |');
  });
});
