import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { createTestEnvironment, freePort, type TestEnvironment, until } from '@relais/testing';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');
/** The blocked job's test: short, so the test is. */
const SHUTDOWN_TIMEOUT_MS = 2000;
/** The idle worker's test: far above its stop (about 2 s here under load), so only a hang reaches it. */
const IDLE_SHUTDOWN_TIMEOUT_MS = 15_000;

interface RunningWorker {
  process: ChildProcess;
  output: () => string;
}

/** The real worker (dist/) with a short shutdown timeout; resolves once its liveness route answers. */
async function startWorker(env: TestEnvironment, shutdownTimeoutMs: number): Promise<RunningWorker> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      ...env.env,
      LOG_LEVEL: 'warn',
      METRICS_PORT: String(port),
      WORKER_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      AUDIT_SEAL_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(
    async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.ok,
    30_000,
    'the worker to start',
  );
  return { process: child, output: () => output };
}

/** Sends SIGTERM; resolves with how the process ended and how long it took. */
async function terminate(
  worker: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }> {
  const started = Date.now();
  // 'close', not 'exit': what it wrote last may still be in the pipe when it has exited.
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    worker.once('close', (code, signal) => resolve([code, signal])),
  );
  worker.kill('SIGTERM');
  const [code, signal] = await exited;
  return { code, signal, elapsedMs: Date.now() - started };
}

describe('Worker shutdown (WORKER_SHUTDOWN_TIMEOUT_MS, as Kubernetes stops a pod)', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await db?.end();
    await env?.dispose();
  });

  it('given an idle worker, when SIGTERM arrives, then it closes and ends by that signal before the timeout', async () => {
    // Given
    const worker = await startWorker(env, IDLE_SHUTDOWN_TIMEOUT_MS);
    workers.push(worker.process);

    // When
    const { code, signal, elapsedMs } = await terminate(worker.process);

    // Then: Nest closes everything, then re-raises the signal (exit status 143 for Kubernetes)
    expect([code, signal]).toEqual([null, 'SIGTERM']);
    expect(elapsedMs).toBeLessThan(IDLE_SHUTDOWN_TIMEOUT_MS);
    expect(worker.output()).not.toContain('jobs still running at the shutdown timeout');
  }, 60_000);

  it('given a job that cannot finish (the outbox locked), when SIGTERM arrives, then the worker exits at the timeout, saying why', async () => {
    // Given
    await db.query('BEGIN');
    await db.query('LOCK TABLE audit_outbox IN ACCESS EXCLUSIVE MODE');
    const worker = await startWorker(env, SHUTDOWN_TIMEOUT_MS);
    workers.push(worker.process);
    await until(
      async () => {
        const { rows } = await db.query(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows[0].waiting > 0;
      },
      30_000,
      'the seal job to wait for the lock',
    );

    // When
    const { code, elapsedMs } = await terminate(worker.process);
    await db.query('ROLLBACK');

    // Then
    expect(code).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 100);
    expect(elapsedMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 10_000);
    expect(worker.output()).toContain('jobs still running at the shutdown timeout');
  }, 90_000);
});
