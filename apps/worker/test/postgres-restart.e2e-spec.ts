import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import {
  createMigratedDatabase,
  createTestEnvironment,
  freePort,
  insertActiveMandates,
  insertMandateOwners,
  type OwnPostgres,
  runCli,
  startOwnPostgres,
  startRedisServer,
  stopProcess,
  type TestEnvironment,
  until,
} from '@relais/testing';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');
const DUE = 20_000;
const SOON = 500;
const EVENTS = 20_000;
const BATCH = 2_000;

/**
 * PostgreSQL restarted (pg_ctl stop -m fast, then start: every session ended, as in a restart
 * or a failover) under a running worker, on a cluster and a Redis of the suite's own.
 */
describe('Worker with PostgreSQL restarted under it', () => {
  let env: TestEnvironment;
  let postgres: OwnPostgres;
  let databaseUrl: string;
  let redis: ChildProcess;
  let worker: ChildProcess;
  let logs = '';
  // A pool, not a client: the test's own connections are ended by the restart too.
  let db: pg.Pool;

  const count = async (sql: string) => (await db.query(sql)).rows[0].n as number;
  const expiredCount = () => count("SELECT count(*)::int AS n FROM mandates WHERE status = 'expired'");

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    postgres = await startOwnPostgres();
    databaseUrl = await createMigratedDatabase(postgres, 'relais');
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    db.on('error', () => undefined);
    const redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    env.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopProcess(worker, 'SIGKILL');
    if (redis) await stopProcess(redis, 'SIGKILL');
    await db?.end();
    await postgres?.dispose();
    await env.dispose();
  });

  it('reconnects and goes on: every due mandate expired once, every event sealed, the chain valid', async () => {
    // Given audit events waiting to be sealed, mandates past their end and others ending soon
    await db.query(
      `INSERT INTO audit_outbox (occurred_at, actor_type, action, details)
       SELECT now(), 'system', 'platform.demo_seeded', jsonb_build_object('n', n) FROM generate_series(1, $1) n`,
      [EVENTS],
    );
    const owners = await insertMandateOwners(db);
    await insertActiveMandates(db, owners, DUE, new Date(Date.now() - 30_000));
    await insertActiveMandates(db, owners, SOON, new Date(Date.now() + 8_000));
    // And a worker at work on them
    worker = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        ...env.env,
        DATABASE_URL: databaseUrl,
        EXPIRY_BATCH_SIZE: String(BATCH),
        EXPIRY_SWEEP_INTERVAL_MS: '500',
        AUDIT_SEAL_BATCH_SIZE: String(BATCH),
        AUDIT_SEAL_INTERVAL_MS: '200',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.setEncoding('utf8').on('data', (chunk: string) => (logs += chunk));
    worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => (logs += chunk));
    await until(async () => (await expiredCount()) >= BATCH, 60_000, 'the worker to expire a first batch');
    expect(await expiredCount()).toBeLessThan(DUE);

    // When PostgreSQL stops (every session ended) and starts again a few seconds later
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(worker.exitCode).toBeNull();
    await postgres.start();

    // Then the worker, still the same process, finishes the work
    await until(
      async () => {
        try {
          return (await expiredCount()) === DUE + SOON;
        } catch {
          return false; // the pool's connection was one of those ended
        }
      },
      120_000,
      'every mandate to be expired',
    );
    await until(
      async () => (await count('SELECT count(*)::int AS n FROM audit_outbox')) === 0,
      60_000,
      'the audit outbox to be sealed',
    );
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    // having seen the restart: jobs started while PostgreSQL was down failed, and were retried
    expect(logs).toMatch(
      /"error":"(terminating connection|connect ECONNREFUSED|the database system)[^"]*","msg":"[a-z ]*job/,
    );
    // Each mandate expired once: one audit event and one email each to the aide and the citizen
    const { rows: journal } = await db.query(
      `SELECT count(*) FILTER (WHERE action = 'mandate.expired')::int AS expired,
              count(DISTINCT mandate_id) FILTER (WHERE action = 'mandate.expired')::int AS mandates,
              count(*) FILTER (WHERE action = 'platform.demo_seeded')::int AS seeded,
              count(*)::int AS entries, max(seq)::int AS last
         FROM audit_journal`,
    );
    expect(journal[0]).toMatchObject({ expired: DUE + SOON, mandates: DUE + SOON, seeded: EVENTS });
    expect(journal[0].last).toBe(journal[0].entries);
    expect(await count("SELECT count(*)::int AS n FROM notifications WHERE kind = 'mandate_expired'")).toBe(DUE + SOON);
    // And the chain, with the checkpoints signed meanwhile, verifies
    const verified = await runCli(env, ['audit:verify'], { DATABASE_URL: databaseUrl });
    // (the signing key's creation, journaled with the first checkpoint, may be sealed after the count above)
    expect(verified.stdout).toMatch(/^OK: \d+ entries, chain intact/);
    expect(verified.code).toBe(0);
  }, 300_000);
});
