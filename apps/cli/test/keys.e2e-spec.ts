import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

describe('operator CLI: signing keys', () => {
  let env: TestEnvironment;
  let db: pg.Client;

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('rotates the key: a new active one, the old one kept for verification, both journaled', async () => {
    const first = await runCli(env, ['keys:rotate']);
    const second = await runCli(env, ['keys:rotate']);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const [firstKid, secondKid] = [first.stdout.trim(), second.stdout.trim()];
    expect(secondKid).toMatch(/^[\w-]{43}$/);
    expect(secondKid).not.toBe(firstKid);

    const list = await runCli(env, ['keys:list']);
    expect(list.stdout).toContain(firstKid);
    expect(list.stdout).toContain(secondKid);
    const { rows } = await db.query('SELECT kid, status FROM signing_keys ORDER BY created_at');
    expect(rows).toEqual([
      { kid: firstKid, status: 'retired' },
      { kid: secondKid, status: 'active' },
    ]);
    const events = await db.query(`SELECT details FROM audit_outbox WHERE action = 'signing_key.rotated' ORDER BY id`);
    expect(events.rows.map((r) => r.details.kid)).toEqual([firstKid, secondKid]);
  });
});
