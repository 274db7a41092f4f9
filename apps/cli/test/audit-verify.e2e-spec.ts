import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

describe('audit:verify against signed checkpoints', () => {
  let env: TestEnvironment;
  let db: pg.Client;

  const cli = (...args: string[]) => runCli(env, args, { AUDIT_CHECKPOINT_EVERY_ENTRIES: '5' });
  const asSuperuserWithoutTriggers = async (sql: string) => {
    await db.query("SET session_replication_role = 'replica'");
    await db.query(sql);
    await db.query("SET session_replication_role = 'origin'");
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    // Given 20 sealed entries, checkpointed every 5 by audit:seal
    await db.query(
      `INSERT INTO audit_outbox (occurred_at, actor_type, action)
       SELECT now(), 'system', 'platform.demo_seeded' FROM generate_series(1, 20)`,
    );
    // Sealing waits for older writing transactions cluster-wide (other suites'), hence the loop.
    const deadline = Date.now() + 30_000;
    while ((await db.query('SELECT count(*)::int AS n FROM audit_outbox')).rows[0].n > 0) {
      if (Date.now() > deadline) throw new Error('the outbox did not drain');
      await cli('audit:seal');
    }
    await cli('audit:seal');
  }, 120_000);

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('reports an intact journal with its checkpoints', async () => {
    const verify = await cli('audit:verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/OK: 2\d entries, chain intact; .*; 4 signed checkpoint\(s\), last at seq 20/);
  }, 60_000);

  // The tests below run in order on the same journal, as an auditor would find it.
  let savedCopy: string;

  it('saves a copy of the published checkpoints', async () => {
    const { rows } = await db.query('SELECT seq::text AS seq, jws FROM audit_checkpoints ORDER BY seq');
    savedCopy = join(tmpdir(), `relais-checkpoints-${process.pid}-${Date.now()}.json`);
    await writeFile(savedCopy, JSON.stringify({ checkpoints: rows }));
    expect(rows.length).toBeGreaterThanOrEqual(4);
  });

  it('names the last 10 entries deleted by someone who disabled the triggers, with the checkpoint that proves it', async () => {
    // When the tail is deleted (the signing key's creation may be entry 21)
    await asSuperuserWithoutTriggers('DELETE FROM audit_journal WHERE seq > 10');
    // Then verification fails and names entry 11 and the checkpoint at 20
    const verify = await cli('audit:verify');
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(
      /BROKEN at seq 11: missing; entries 11 to 20 were removed, proven by the checkpoint at seq 20 signed 20\d\d-/,
    );
    expect(verify.stderr).toContain('10 entries before it are intact.');
  }, 60_000);

  it('still proves it from the saved copy when the checkpoints were deleted too', async () => {
    await asSuperuserWithoutTriggers('DELETE FROM audit_checkpoints');
    const verify = await cli('audit:verify', '--checkpoints', savedCopy);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('BROKEN at seq 11: missing; entries 11 to 20 were removed');
  }, 120_000);
});
