import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Test } from '@nestjs/testing';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { projectRoot, RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { ExpiryScheduler, MandateQueries, MandatesModule, MandateState } from '@relais/mandates';
import { DataSource } from 'typeorm';
import {
  createTestEnvironment,
  freePort,
  insertActiveMandates,
  insertMandateOwners,
  type MandateOwners,
  startRedisServer as startRedis,
  stopProcess as stop,
  type TestEnvironment,
  until,
} from '@relais/testing';
import { Redis } from 'ioredis';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');
const MANDATES = 30_000;
const BATCH = 5_000;

describe('Mandate expiry under faults', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let owners: MandateOwners;
  let redisPort: number;
  let redis: ChildProcess;
  const children: ChildProcess[] = [];

  const startWorker = (extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        ...env.env,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        EXPIRY_BATCH_SIZE: String(BATCH),
        EXPIRY_SWEEP_INTERVAL_MS: '500',
        ...extra,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  const count = async (sql: string) => (await db.query(sql)).rows[0].n as number;
  const expiredCount = () => count("SELECT count(*)::int AS n FROM mandates WHERE status = 'expired'");
  // An expiry transaction is open while another session holds row locks on mandates.
  const expiryHoldsRows = async () =>
    (
      await db.query(
        `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE c.relname = 'mandates' AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND l.pid <> pg_backend_pid()`,
      )
    ).rowCount! > 0;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    owners = await insertMandateOwners(db);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await stop(child, 'SIGKILL');
    await db.query('DELETE FROM notifications');
    await db.query("UPDATE mandates SET status = 'revoked', revoked_at = now() WHERE status = 'active'");
  });

  afterAll(async () => {
    for (const child of children) await stop(child, 'SIGKILL');
    if (redis) await stop(redis, 'SIGKILL');
    await db.end();
    await env.dispose();
  });

  it('expires every due mandate exactly once, journaled once each, after a SIGKILL mid-batch', async () => {
    // Given many mandates that ended in the same minute
    await insertActiveMandates(db, owners, MANDATES, new Date(Date.now() - 30_000));
    // When a worker is killed while an expiry batch is in progress, then another one starts
    const first = startWorker();
    await until(expiryHoldsRows, 30_000, 'the worker to start an expiry batch');
    await stop(first, 'SIGKILL');
    const expiredAtKill = await expiredCount();
    expect(expiredAtKill % BATCH).toBe(0);
    expect(expiredAtKill).toBeLessThan(MANDATES);
    startWorker();
    await until(async () => (await expiredCount()) === MANDATES, 150_000, 'every mandate to be expired');
    await until(
      async () => (await count('SELECT count(*)::int AS n FROM audit_outbox')) === 0,
      60_000,
      'the audit outbox to be sealed',
    );
    // Then each mandate has exactly one expiry event in the journal, and two emails queued
    const journal = await db.query(
      `SELECT count(*)::int AS events, count(DISTINCT mandate_id)::int AS mandates FROM audit_journal
        WHERE action = 'mandate.expired'`,
    );
    expect(journal.rows[0]).toEqual({ events: MANDATES, mandates: MANDATES });
    expect(await count("SELECT count(*)::int AS n FROM notifications WHERE kind = 'mandate_expired'")).toBe(MANDATES);
    expect(await count("SELECT count(*)::int AS n FROM notifications WHERE kind = 'citizen_mandate_expired'")).toBe(
      MANDATES,
    );
    // And the chain has no gap
    const { rows } = await db.query('SELECT count(*)::int AS n, max(seq)::int AS last FROM audit_journal');
    expect(rows[0].last).toBe(rows[0].n);
  }, 300_000);

  it('misses no mandate when Redis is flushed while they are pending', async () => {
    // Given a worker running, and mandates ending in a few seconds
    startWorker();
    const client = new Redis({ port: redisPort });
    try {
      await until(async () => (await client.keys('*:bull}:mandates:*')).length > 0, 60_000, 'the worker to start');
      const before = await expiredCount();
      await insertActiveMandates(db, owners, 50, new Date(Date.now() + 3000));
      // When Redis loses everything (jobs, schedulers)
      await client.flushall();
      // Then the worker re-arms the sweep on its own and every mandate ends after its end
      await until(async () => (await expiredCount()) === before + 50, 90_000, 'the mandates to be expired');
      const early = await count(
        "SELECT count(*)::int AS n FROM mandates WHERE status = 'expired' AND expires_at > now()",
      );
      expect(early).toBe(0);
    } finally {
      client.disconnect();
    }
  }, 150_000);

  it('keeps the api right while Redis is down, then seals the backlog in order', async () => {
    // Given a worker, and the api's mandate services, on the suite's Redis
    const worker = startWorker();
    process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
    const api = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, MandatesModule],
    }).compile();
    process.env.REDIS_URL = env.redisUrl;
    await api.init();
    try {
      const apiDb = api.get(DataSource);
      await until(
        async () => (await count('SELECT count(*)::int AS n FROM audit_outbox')) === 0,
        30_000,
        'the worker to seal what was pending',
      );
      const [ended] = await insertActiveMandates(db, owners, 1, new Date(Date.now() - 60_000));
      // When Redis stops
      await stop(redis, 'SIGTERM');
      // Then scheduling a mandate's expiry does not hold the request
      const started = Date.now();
      await api.get(ExpiryScheduler).scheduleExpiry({ id: ended, expiresAt: new Date(Date.now() + 60_000) });
      expect(Date.now() - started).toBeLessThan(3000);
      // And a mandate past its end reads expired, from PostgreSQL alone
      const { items } = await api.get(MandateQueries).list(owners.structureId, { state: MandateState.Expired });
      expect(items.map((item) => item.mandate.id)).toContain(ended);
      // And the audit events of the requests pile up in the outbox
      for (let n = 0; n < 20; n++) {
        await apiDb.transaction((manager) =>
          api.get(AuditRecorder).record(manager, {
            action: AuditAction.AttestationDownloaded,
            actor: { type: AuditActorType.Aide, id: owners.aideId },
            details: { n },
          }),
        );
      }
      const backlog = await count('SELECT count(*)::int AS n FROM audit_outbox');
      expect(backlog).toBeGreaterThanOrEqual(20);
      // When Redis is back
      redis = await startRedis(redisPort);
      // Then the worker reconnects, puts its schedulers back, and seals the backlog, in the order it was written, without gaps
      await until(
        async () => (await count('SELECT count(*)::int AS n FROM audit_outbox')) === 0,
        60_000,
        'the backlog to be sealed',
      );
      const order = await db.query(
        `SELECT bool_and(event_id > previous) AS ordered, max(seq) = count(*) AS gapless
           FROM (SELECT seq, event_id, lag(event_id, 1, 0::bigint) OVER (ORDER BY seq) AS previous FROM audit_journal) j`,
      );
      expect(order.rows[0]).toEqual({ ordered: true, gapless: true });
      expect(worker.exitCode).toBeNull();
    } finally {
      await api.close();
    }
  }, 120_000);
});
