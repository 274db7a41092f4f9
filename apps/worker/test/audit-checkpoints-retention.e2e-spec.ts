import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { QueueName, redisOptions, RetentionJob } from '@relais/queue';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { bullPrefix } from '@relais/redis';
import { Job, Queue } from 'bullmq';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');

async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Worker: journal checkpoints and the daily retention job', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let queue: Queue;
  let worker: ChildProcess;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    queue = new Queue(QueueName.Retention, {
      connection: redisOptions(env.redisUrl),
      prefix: bullPrefix(env.redisPrefix),
    });
    worker = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env.env, AUDIT_CHECKPOINT_EVERY_ENTRIES: '2' },
      stdio: 'ignore',
    });
  });

  afterAll(async () => {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    await queue.close();
    await db.end();
    await env.dispose();
  });

  it('signs checkpoints as it seals', async () => {
    await db.query(
      `INSERT INTO audit_outbox (occurred_at, actor_type, action)
       SELECT now(), 'system', 'platform.demo_seeded' FROM generate_series(1, 4)`,
    );
    const rows = await until(
      async () => (await db.query('SELECT seq FROM audit_checkpoints WHERE seq >= 4')).rows[0],
      60_000,
      'a checkpoint at seq 4',
    );
    expect(rows).toEqual({ seq: '4' });
  }, 90_000);

  it('schedules the retention job every day at 04:00 and runs it', async () => {
    const scheduler = await until(() => queue.getJobScheduler('retention-personal-data'), 20_000, 'the scheduler');
    expect(scheduler).toMatchObject({ name: RetentionJob.RemovePersonalData, pattern: '0 4 * * *' });
    const { id } = await queue.add(RetentionJob.RemovePersonalData, {});
    const job = await until(
      async () => {
        const found = await Job.fromId(queue, id!);
        return found?.finishedOn ? found : null;
      },
      30_000,
      'the job to finish',
    );
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toEqual({ citizens: 0, structureRequests: 0, abandonedStructureRequestsClosed: 0 });
  }, 60_000);
});
