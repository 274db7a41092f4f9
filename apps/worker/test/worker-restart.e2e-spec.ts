import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { createTestEnvironment, type TestEnvironment, until } from '@relais/testing';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');
const EVENTS = 120_000;
const BATCH = 40_000;

describe('Worker killed in the middle of sealing', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  const children: ChildProcess[] = [];

  const startWorker = () => {
    const child = spawn(process.execPath, [WORKER], {
      // No checkpoint: the first would create the signing key, a journaled event the counts below do not expect.
      env: {
        ...process.env,
        ...env.env,
        AUDIT_SEAL_BATCH_SIZE: String(BATCH),
        AUDIT_SEAL_INTERVAL_MS: '200',
        AUDIT_CHECKPOINT_EVERY_ENTRIES: '10000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8');
    children.push(child);
    return child;
  };
  const count = async (table: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const sealerHoldsLock = async () =>
    (await db.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 7262 AND objid = 1 AND granted"))
      .rowCount! > 0;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
    await db.end();
    await env.dispose();
  });

  it('loses no event and seals none twice after a SIGKILL and a restart', async () => {
    // Given a backlog of committed events
    await db.query(
      `INSERT INTO audit_outbox (occurred_at, actor_type, action, details)
       SELECT now(), 'system', 'platform.demo_seeded', jsonb_build_object('n', n) FROM generate_series(1, $1) n`,
      [EVENTS],
    );
    // When a worker starts sealing and is killed while it holds the sealer lock
    const first = startWorker();
    await until(sealerHoldsLock, 30_000, 'the worker to start sealing');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await until(async () => !(await sealerHoldsLock()), 10_000, 'PostgreSQL to release the dead worker lock');

    // Then only whole batches were sealed, and every event is either sealed or still pending
    const sealedBeforeRestart = await count('audit_journal');
    expect(sealedBeforeRestart % BATCH).toBe(0);
    expect(sealedBeforeRestart).toBeLessThan(EVENTS);
    expect(sealedBeforeRestart + (await count('audit_outbox'))).toBe(EVENTS);

    // When a worker starts again
    startWorker();
    await until(async () => (await count('audit_outbox')) === 0, 60_000, 'the restarted worker to drain the outbox');

    // Then every event is in the journal once, in a gapless chain
    const { rows } = await db.query(
      'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events, max(seq)::int AS last FROM audit_journal',
    );
    expect(rows[0]).toEqual({ n: EVENTS, events: EVENTS, last: EVENTS });
  }, 120_000);

  it('closes its queue workers and exits on SIGTERM', async () => {
    // Given a running worker (LOG_LEVEL info so its shutdown line is written)
    const worker = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(worker);
    let output = '';
    worker.stdout.on('data', (chunk) => (output += chunk));
    await until(async () => output.includes('worker started'), 20_000, 'the worker to start');
    // When it is asked to stop
    worker.kill('SIGTERM');
    // 'close', not 'exit': its output may still be in the pipe when it has exited.
    const signal = await new Promise((resolve) => worker.once('close', (_code, exitSignal) => resolve(exitSignal)));
    // Then it ran its shutdown hooks before exiting
    expect(signal).toBe('SIGTERM');
    expect(output).toContain('worker stopped');
  }, 30_000);
});
