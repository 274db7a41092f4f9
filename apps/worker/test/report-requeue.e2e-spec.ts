import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { projectRoot, RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { QueueName } from '@relais/queue';
import { ReportExports, ReportFormat, type ReportRequester, ReportsModule, ReportVerifier } from '@relais/reports';
import {
  createTestEnvironment,
  freePort,
  insertMandateOwners,
  startRedisServer,
  stopProcess,
  type TestEnvironment,
  until,
} from '@relais/testing';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });

describe('report exports asked for while Redis is down (own Redis, real worker)', () => {
  let env: TestEnvironment;
  let redisPort: number;
  let redis: ChildProcess | null = null;
  let moduleRef: TestingModule;
  let db: DataSource;
  let operator: ReportRequester;
  let siret: string;
  const children: ChildProcess[] = [];

  const statusOf = async (id: string) =>
    (await db.query('SELECT status FROM report_exports WHERE id = $1', [id]))[0].status as string;
  const request = () =>
    moduleRef.get(ReportExports).request(operator, { siret, from: day(-1), to: day(1) }, ReportFormat.Csv);

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "npm run build" first (npm test does)`);
    env = await createTestEnvironment();
    redisPort = await freePort();
    // The api's settings: its own Redis, not started yet; the worker requeues after one second.
    process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
    process.env.REPORT_REQUEUE_AFTER_SECONDS = '1';
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, ReportsModule],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
    const owners = await insertMandateOwners(db);
    operator = { type: 'operator', aideId: owners.aideId };
    siret = (await db.query('SELECT siret FROM structures WHERE id = $1', [owners.structureId]))[0].siret;
  }, 60_000);

  afterAll(async () => {
    for (const child of children) await stopProcess(child, 'SIGKILL');
    await moduleRef?.close();
    if (redis) await stopProcess(redis, 'SIGKILL');
    delete process.env.REPORT_REQUEUE_AFTER_SECONDS;
    await env?.dispose();
  }, 60_000);

  it('given Redis down, when an export is asked for, then the request returns and the export is stored as queued', async () => {
    const asked = Date.now();

    const id = await request();

    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(await statusOf(id)).toBe('queued');
  }, 30_000);

  it('given an export whose job was lost (Redis restarted empty), when the worker runs, then it queues the export again and writes it', async () => {
    redis = await startRedisServer(redisPort);
    const id = await request();
    // Redis restarted without its data: the job is gone, the export still queued.
    await stopProcess(redis, 'SIGKILL');
    redis = await startRedisServer(redisPort);
    expect(await statusOf(id)).toBe('queued');

    const worker = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        ...env.env,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        REPORT_REQUEUE_AFTER_SECONDS: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(worker);
    await until(async () => (await statusOf(id)) === 'done', 45_000, 'the export to be written');

    const [row] = await db.query('SELECT signature FROM report_exports WHERE id = $1', [id]);
    const chunks = await db.query('SELECT data FROM report_export_chunks WHERE export_id = $1 ORDER BY n', [id]);
    const verified = await moduleRef
      .get(ReportVerifier)
      .verify(Readable.from(chunks.map((chunk: { data: Buffer }) => chunk.data)), row.signature);
    expect(verified.genuine).toBe(true);
    expect(verified.complete).toBe(true);
    await stopProcess(worker, 'SIGTERM');
  }, 90_000);

  it('given an export waiting with its job in the queue, when the requeue runs twice, then the queue holds that one job, and none for an export written', async () => {
    redis ??= await startRedisServer(redisPort);
    const queue = new Queue(QueueName.Reports, {
      connection: { url: `redis://127.0.0.1:${redisPort}` },
      prefix: `${env.redisPrefix}:bull`,
    });
    try {
      const waitingId = await request();
      const writtenId = await request();
      await queue.obliterate({ force: true });
      await db.query("UPDATE report_exports SET status = 'done' WHERE id = $1", [writtenId]);
      await db.query("UPDATE report_exports SET status = 'failed' WHERE status = 'queued' AND id <> $1", [waitingId]);
      await db.query("UPDATE report_exports SET created_at = now() - interval '1 minute'");

      await moduleRef.get(ReportExports).requeueWaiting();
      await moduleRef.get(ReportExports).requeueWaiting();

      expect((await queue.getWaiting()).map((job) => job.id)).toEqual([`report-${waitingId}`]);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
