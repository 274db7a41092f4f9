import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { MandatesJob, NotificationsJob, QueueName, redisOptions } from '@relais/queue';
import {
  createTestEnvironment,
  insertActiveMandates,
  insertMandateOwners,
  startTestSmtpServer,
  type TestEnvironment,
  type TestSmtpServer,
} from '@relais/testing';
import { bullPrefix } from '@relais/redis';
import { Job, Queue } from 'bullmq';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');
const DISABLED = 'email delivery is disabled';

async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Worker: email delivery on the notifications queue', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let queue: Queue;
  let smtp: TestSmtpServer;
  let worker: ChildProcess | undefined;
  let output = '';

  /** The compiled worker, logging at info level; SMTP_URL only when given. */
  const startWorker = (smtpUrl?: string) => {
    const { SMTP_URL: _ignored, ...parentEnv } = process.env;
    output = '';
    worker = spawn(process.execPath, [WORKER], {
      env: { ...parentEnv, ...env.env, LOG_LEVEL: 'info', ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    worker.stdout!.setEncoding('utf8');
    worker.stdout!.on('data', (chunk: string) => (output += chunk));
    return until(async () => output.includes('worker started'), 20_000, 'the worker to start');
  };
  const stopWorker = async () => {
    if (!worker || worker.exitCode !== null) return;
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  };
  const logLines = (text: string) =>
    output
      .split('\n')
      .filter((line) => line.includes(text))
      .map((line) => JSON.parse(line) as { level: number; msg: string });

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    queue = new Queue(QueueName.Notifications, {
      connection: redisOptions(env.redisUrl),
      prefix: bullPrefix(env.redisPrefix),
    });
    smtp = await startTestSmtpServer();
  });

  afterEach(stopWorker);

  afterAll(async () => {
    await queue?.close();
    await db?.end();
    await smtp?.close();
    await env?.dispose();
  });

  it('without SMTP_URL: says once, at start, that delivery is disabled, and schedules the jobs (sending every minute, the citizen digests daily)', async () => {
    await startWorker();

    const scheduler = await until(() => queue.getJobScheduler('notifications-send'), 20_000, 'the scheduler');
    expect(scheduler).toMatchObject({ name: NotificationsJob.Send, every: 60_000 });
    // The citizen's daily emails are scheduled on the mandates queue, at fixed Paris times.
    const mandates = new Queue(QueueName.Mandates, {
      connection: redisOptions(env.redisUrl),
      prefix: bullPrefix(env.redisPrefix),
    });
    try {
      const digest = await until(() => mandates.getJobScheduler('citizen-uses-digest'), 20_000, 'the digest scheduler');
      expect(digest).toMatchObject({ name: MandatesJob.UsesDigest, pattern: '0 7 * * *', tz: 'Europe/Paris' });
      const ending = await until(
        () => mandates.getJobScheduler('citizen-ending-notices'),
        20_000,
        'the notices scheduler',
      );
      expect(ending).toMatchObject({ name: MandatesJob.EndingNotices, pattern: '0 10 * * *', tz: 'Europe/Paris' });
    } finally {
      await mandates.close();
    }
    const lines = logLines(DISABLED);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: expect.stringContaining('SMTP_URL is not set') });
  }, 60_000);

  it('with SMTP_URL: the send-notifications job delivers a pending email and marks it sent', async () => {
    // Given a worker with an SMTP server, and a pending warning
    await startWorker(smtp.url);
    const { rows } = await db.query(
      `WITH aide AS (INSERT INTO aides (email, password_hash) VALUES ('sacha@example.fr', 'x') RETURNING id)
       INSERT INTO notifications (aide_id, kind) SELECT id, 'dormancy_warning' FROM aide RETURNING id`,
    );
    // When the job runs
    const { id } = await queue.add(NotificationsJob.Send, {});
    const job = await until(
      async () => {
        const found = await Job.fromId(queue, id!);
        return found?.finishedOn ? found : null;
      },
      20_000,
      'the job to finish',
    );
    // Then (the scheduler's own run may have got there first: either way, one email)
    expect(job.failedReason).toBeUndefined();
    const sent = await until(
      async () => (await db.query('SELECT sent_at FROM notifications WHERE id = $1', [rows[0].id])).rows[0].sent_at,
      10_000,
      'the row to be marked sent',
    );
    expect(sent).toBeInstanceOf(Date);
    expect(smtp.received.map(({ to, subject }) => ({ to, subject }))).toEqual([
      { to: ['sacha@example.fr'], subject: 'Votre compte Relais va être désactivé' },
    ]);
    expect(logLines(DISABLED)).toEqual([]);
  }, 60_000);

  it('the citizen-uses-digest job queues the digest of yesterday (Paris), and the worker sends it to the citizen', async () => {
    // Given a citizen whose mandate was used yesterday at noon, Paris time
    await startWorker(smtp.url);
    const owners = await insertMandateOwners(db);
    const [mandateId] = await insertActiveMandates(db, owners, 1, new Date(Date.now() + 90 * 86_400_000));
    await db.query(
      `WITH ps AS (INSERT INTO public_services (client_id, name, secret_hash, redirect_uris, areas)
                   VALUES ('ps_' || substr(md5(random()::text), 1, 16), 'Impôts', repeat('a', 64), '{https://s.example/cb}', '{papers}')
                   RETURNING id)
       INSERT INTO delegations (public_service_id, aide_id, structure_id, citizen_id, mandate_id, area, amr, created_at)
       SELECT ps.id, $1, $2, $3, $4, 'papers', '{pwd,otp}',
              (((now() AT TIME ZONE 'Europe/Paris')::date - 1) + time '12:00') AT TIME ZONE 'Europe/Paris' FROM ps`,
      [owners.aideId, owners.structureId, owners.citizenId, mandateId],
    );
    const mandates = new Queue(QueueName.Mandates, {
      connection: redisOptions(env.redisUrl),
      prefix: bullPrefix(env.redisPrefix),
    });
    try {
      // When the daily job runs (as its scheduler does at 07:00)
      const { id } = await mandates.add(MandatesJob.UsesDigest, {});
      const job = await until(
        async () => {
          const found = await Job.fromId(mandates, id!);
          return found?.finishedOn ? found : null;
        },
        20_000,
        'the digest job to finish',
      );
      // Then one digest is queued, and the next send run delivers it
      expect(job.failedReason).toBeUndefined();
      expect(job.returnvalue).toMatchObject({ queued: 1 });
      await queue.add(NotificationsJob.Send, {});
      const mail = await until(
        async () => smtp.received.find((received) => received.to.includes('angela@example.fr')),
        20_000,
        'the digest email',
      );
      expect(mail.subject).toMatch(/^Votre mandat a été utilisé le /);
      expect(mail.text.replace(/\u00a0/g, ' ')).toContain('- À 12 h 00 : Impôts.');
    } finally {
      await mandates.close();
    }
  }, 60_000);
});
