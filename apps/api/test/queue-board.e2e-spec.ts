import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SessionRedis } from '@relais/auth';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { MandatesJob, QueueName, redisOptions } from '@relais/queue';
import { createTestEnvironment, freePort, launchBrowser, runCli, type TestEnvironment } from '@relais/testing';
import { bullPrefix } from '@relais/redis';
import { type Queue, QueueEvents, Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';

import {
  createMember,
  createStructure,
  logIn,
  logInInBrowser,
  startConsole,
  type TestMember,
} from './console-helpers.js';

const PAGE = '/operateur/files';
const BOARD = '/operateur/files/tableau';

describe('operator queue board (bull-board)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let origin: string;
  let queue: Queue;
  let operator: TestMember;
  let aide: TestMember;

  /** Makes the member's session look idle for 16 minutes: the next sensitive page asks for a code. */
  const idle = async (member: TestMember) => {
    const redis = await app.get(SessionRedis).connected();
    for (const key of await redis.keys(`${env.redisPrefix}:session:*`)) {
      const data = JSON.parse((await redis.get(key))!);
      if (data.aideId !== member.aideId) continue;
      data.lastSeenAt -= 16 * 60 * 1000;
      await redis.set(key, JSON.stringify(data), { KEEPTTL: true });
    }
  };

  /** A job of the mandates queue that failed for good (one attempt), through a real BullMQ worker. */
  const failedJob = async (): Promise<string> => {
    const connection = redisOptions(env.redisUrl);
    const prefix = bullPrefix(env.redisPrefix);
    const events = new QueueEvents(QueueName.Mandates, { connection, prefix });
    await events.waitUntilReady();
    const worker = new Worker(
      QueueName.Mandates,
      async () => {
        throw new Error('PostgreSQL unavailable (simulated)');
      },
      { connection, prefix },
    );
    try {
      const job = await queue.add(
        MandatesJob.PropagateRevocation,
        { mandateId: '00000000-0000-4000-8000-000000000001', revokedAt: new Date().toISOString(), whole: true },
        { jobId: `revocation-board-${Date.now()}`, attempts: 1 },
      );
      await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow('simulated');
      return job.id!;
    } finally {
      await worker.close();
      await events.close();
    }
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    origin = new URL(app.get<RelaisConfig>(RELAIS_CONFIG).ISSUER).origin;
    queue = app.get<Queue>(getQueueToken(QueueName.Mandates));
    const structureId = await createStructure(app);
    operator = await createMember(app, structureId, 'exploitation.files@example.fr');
    expect((await runCli(env, ['operator:grant', operator.email])).code).toBe(0);
    aide = await createMember(app, structureId, 'aide.files@example.fr');
  }, 60_000);

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await app.close();
    await env.dispose();
  });

  it('sends anonymous visitors to the login page, and answers the board API with 401', async () => {
    const anonymous = request(app.getHttpServer());
    await anonymous.get(PAGE).set('accept', 'text/html').expect(303).expect('Location', '/connexion');
    await anonymous.get(`${BOARD}/`).set('accept', 'text/html').expect(303).expect('Location', '/connexion');
    const api = await anonymous.get(`${BOARD}/api/queues`).set('accept', 'application/json').expect(401);
    expect(api.body.code).toBe('unauthorized');
    // Even the board's static files need the operator session
    await anonymous.get(`${BOARD}/static/favicon-32x32.png`).expect(401);
  });

  it('refuses an aide who is not an operator, page and board alike', async () => {
    const agent = await logIn(app, aide);
    await agent.get(PAGE).expect(403);
    await agent.get(`${BOARD}/`).set('accept', 'text/html').expect(403);
    await agent.get(`${BOARD}/api/queues`).set('accept', 'application/json').expect(403);
  }, 30_000);

  it('asks an idle operator for a code again before showing the queues', async () => {
    const agent = await logIn(app, operator);
    await idle(operator);
    await agent.get(PAGE).set('accept', 'text/html').expect(303).expect('Location', '/connexion/confirmation');
    await idle(operator);
    const api = await agent.get(`${BOARD}/api/queues`).set('accept', 'application/json').expect(401);
    expect(api.body.code).toBe('step_up_required');
  }, 30_000);

  it('shows an operator every queue in the console page, and retries a failed job through the board', async () => {
    const agent = await logIn(app, operator);
    // The console page: header and menu, the board framed
    const page = await agent.get(PAGE).expect(200);
    expect(page.text).toContain('Files de tâches');
    expect(page.text).toContain(`<iframe class="relais-queue-board fr-mt-3w" src="${BOARD}/"`);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // The board's own page, which only the console may frame
    const board = await agent.get(`${BOARD}/`).set('accept', 'text/html').expect(200);
    expect(board.text).toContain(`<base href="${BOARD}/"`);
    expect(board.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(board.headers['content-security-policy']).toContain("script-src 'self';");
    await agent.get(`${BOARD}/static/favicon-32x32.png`).expect(200);
    // Every queue of the worker
    const jobId = await failedJob();
    const queues = await agent.get(`${BOARD}/api/queues`).set('accept', 'application/json').expect(200);
    const names = (queues.body.queues as Array<{ name: string; counts: Record<string, number> }>).map((q) => q.name);
    expect(names.sort()).toEqual(Object.values(QueueName).sort());
    expect(queues.body.queues.find((q: { name: string }) => q.name === QueueName.Mandates).counts.failed).toBe(1);

    // A change without this origin is refused (CSRF), as is one the board does not allow operators
    await agent.put(`${BOARD}/api/queues/${QueueName.Mandates}/${jobId}/retry`).expect(403);
    await agent
      .put(`${BOARD}/api/queues/${QueueName.Mandates}/${jobId}/retry`)
      .set('origin', 'https://attaquant.example')
      .expect(403);
    const empty = await agent
      .put(`${BOARD}/api/queues/${QueueName.Mandates}/empty`)
      .set('origin', origin)
      .set('accept', 'application/json')
      .expect(403);
    expect(empty.body.code).toBe('queue_board_change_refused');
    expect(await queue.getJobState(jobId)).toBe('failed');

    // Retrying it from the board puts it back in the queue, and the journal says who did it
    await agent.put(`${BOARD}/api/queues/${QueueName.Mandates}/${jobId}/retry`).set('origin', origin).expect(204);
    expect(await queue.getJobState(jobId)).toBe('waiting');
    const db = app.get(DataSource);
    const journaled = async () =>
      (await db.query("SELECT actor_type, actor_id, details FROM audit_outbox WHERE action = 'queue.jobs_retried'"))[0];
    for (let tries = 0; tries < 100 && !(await journaled()); tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await journaled()).toEqual({
      actor_type: 'operator',
      actor_id: operator.aideId,
      details: { queue: QueueName.Mandates, jobId },
    });
  }, 60_000);
});

describe('operator queue board in a real browser', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    // The board's changes must come from ISSUER's origin: the browser uses that very address.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    process.env.ISSUER = baseUrl;
    app = await startConsole();
    await app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    delete process.env.ISSUER;
    await env?.dispose();
  });

  it('shows every queue in the frame under the console header, within the CSP', async () => {
    // Given an operator
    const structureId = await createStructure(app);
    const operator = await createMember(app, structureId, 'exploitation.navigateur@example.fr');
    expect((await runCli(env, ['operator:grant', operator.email])).code).toBe(0);
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    // When they log in and open the queue page
    await logInInBrowser(app, page, operator, `${baseUrl}/connexion`);
    await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
    await page.goto(`${baseUrl}${PAGE}`);
    // Then the console page frames the board, which lists every queue
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Files de tâches');
    const board = page.frameLocator('iframe.relais-queue-board');
    for (const name of Object.values(QueueName)) {
      await board.getByText(name, { exact: true }).first().waitFor({ timeout: 30_000 });
    }
    // And nothing was refused by the CSP but the board's web font (another origin, on purpose)
    expect(refused.filter((text) => !text.includes('fonts.googleapis.com'))).toEqual([]);
  }, 90_000);
});
