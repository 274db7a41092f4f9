import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { MandatesJob, QueueName, redisOptions } from '@relais/queue';
import {
  createTestEnvironment,
  insertActiveMandates,
  insertMandateOwners,
  type MandateOwners,
  runCli,
  type TestEnvironment,
} from '@relais/testing';
import { bullPrefix } from '@relais/redis';
import { Queue, QueueEvents } from 'bullmq';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');

describe('Revocation propagation jobs', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let owners: MandateOwners;
  let queue: Queue;
  let events: QueueEvents;
  let worker: ChildProcess;

  const propagation = async (attempts: number) => {
    const [mandateId] = await insertActiveMandates(db, owners, 1, new Date(Date.now() + 3_600_000));
    const data = { mandateId, revokedAt: new Date().toISOString(), whole: true };
    const job = await queue.add(MandatesJob.PropagateRevocation, data, {
      jobId: `revocation-${mandateId}-1`,
      attempts,
      backoff: { type: 'exponential', delay: 100 },
    });
    return { job, mandateId };
  };
  const emails = async (mandateId: string) =>
    (
      await db.query("SELECT kind FROM notifications WHERE payload->>'mandateId' = $1 ORDER BY kind", [mandateId])
    ).rows.map((row) => row.kind);

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    owners = await insertMandateOwners(db);
    await db.query("INSERT INTO memberships (aide_id, structure_id, role) VALUES ($1, $2, 'supervisor')", [
      owners.aideId,
      owners.structureId,
    ]);
    const connection = redisOptions(env.redisUrl);
    queue = new Queue(QueueName.Mandates, { connection, prefix: bullPrefix(env.redisPrefix) });
    events = new QueueEvents(QueueName.Mandates, { connection, prefix: bullPrefix(env.redisPrefix) });
    await events.waitUntilReady();
    worker = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env.env }, stdio: 'ignore' });
  });

  afterAll(async () => {
    if (worker?.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await queue?.obliterate({ force: true });
    await Promise.all([queue?.close(), events?.close()]);
    await db?.end();
    await env?.dispose();
  });

  it('queues the supervisor’s and the citizen’s emails', async () => {
    // Given a revoked mandate's propagation job
    const { job, mandateId } = await propagation(1);
    // When the worker runs it
    await job.waitUntilFinished(events, 20_000);
    // Then both emails wait in the outbox
    expect(await emails(mandateId)).toEqual(['citizen_mandate_revoked', 'mandate_revoked']);
  }, 30_000);

  it('lands in the failed set after its retries, listed for the operator, and succeeds when retried', async () => {
    // Given the outbox refusing every row (a fault the job cannot fix)
    await db.query('ALTER TABLE notifications ADD CONSTRAINT test_outbox_down CHECK (false) NOT VALID');
    const { job, mandateId } = await propagation(3);
    // When the worker tried it three times, with backoff
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/test_outbox_down/);
    const failed = await queue.getJob(job.id!);
    expect([await failed!.getState(), failed!.attemptsMade]).toEqual(['failed', 3]);
    // And the operator sees it, with its last error
    const listed = await runCli(env, ['queue:failed', 'mandates']);
    expect(listed.stdout).toContain(`${job.id}\tpropagate-revocation\t3 attempt(s)`);
    // When the fault is gone and the operator retries the job
    await db.query('ALTER TABLE notifications DROP CONSTRAINT test_outbox_down');
    expect((await runCli(env, ['queue:retry', 'mandates', job.id!])).stdout).toContain(`Retrying ${job.id}.`);
    await failed!.waitUntilFinished(events, 20_000);
    // Then its work is done, once
    expect(await emails(mandateId)).toEqual(['citizen_mandate_revoked', 'mandate_revoked']);
  }, 60_000);
});
