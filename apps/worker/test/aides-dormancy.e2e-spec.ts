import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { AidesJob, QueueName, redisOptions } from '@relais/queue';
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
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Worker: daily dormancy job on the aides queue', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let queue: Queue;
  let worker: ChildProcess;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    queue = new Queue(QueueName.Aides, { connection: redisOptions(env.redisUrl), prefix: bullPrefix(env.redisPrefix) });
    worker = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env.env }, stdio: 'ignore' });
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

  it('schedules the dormancy job every day at 03:00', async () => {
    const scheduler = await until(() => queue.getJobScheduler('aides-dormancy'), 20_000, 'the scheduler');
    expect(scheduler).toMatchObject({ name: AidesJob.Dormancy, pattern: '0 3 * * *' });
  }, 30_000);

  it('runs the job: a dormant account is warned, and the job returns the counts', async () => {
    // Given an account unused for six months
    const { rows } = await db.query(
      `INSERT INTO aides (email, password_hash, last_login_at)
       VALUES ('endormi@example.fr', 'x', now() - interval '6 months') RETURNING id`,
    );
    // When the job runs
    const { id } = await queue.add(AidesJob.Dormancy, {});
    const job = await until(
      async () => {
        const found = await Job.fromId(queue, id!);
        return found?.finishedOn ? found : null;
      },
      20_000,
      'the job to finish',
    );
    // Then
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toEqual({ warned: 1, deactivated: 0 });
    const warned = await db.query(
      `SELECT a.dormancy_warned_at IS NOT NULL AS warned, n.kind FROM aides a JOIN notifications n ON n.aide_id = a.id
        WHERE a.id = $1`,
      [rows[0].id],
    );
    expect(warned.rows).toEqual([{ warned: true, kind: 'dormancy_warning' }]);
  }, 30_000);
});
