import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import {
  createTestEnvironment,
  freePort,
  insertActiveMandates,
  insertMandateOwners,
  type TestEnvironment,
} from '@relais/testing';
import pg from 'pg';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');

describe('Worker metrics', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let worker: ChildProcess;
  let port: number;

  const scrape = async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        if (response.ok) return await response.text();
      } catch {
        if (Date.now() > deadline) throw new Error('the metrics endpoint never answered');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    port = await freePort();
    worker = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env.env, METRICS_PORT: String(port), EXPIRY_SWEEP_INTERVAL_MS: '3600000' },
      stdio: 'ignore',
    });
  });

  afterAll(async () => {
    if (worker?.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await db?.end();
    await env?.dispose();
  });

  it('serves job counts per queue and state on its own port', async () => {
    // When Prometheus scrapes the worker
    const text = await scrape();
    // Then every queue has its waiting, active, delayed and failed counts
    for (const queue of ['audit', 'aides', 'notifications', 'delegations', 'mandates']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(value(text, `relais_queue_jobs{queue="${queue}",state="${state}"}`)).toBeGreaterThanOrEqual(0);
      }
    }
  }, 30_000);

  it('reports how late the oldest expiry is, and the sealing lag', async () => {
    // Given a worker whose first sweep ran (the next one is in an hour), then a mandate ten minutes
    // past its end that no job has handled
    await scrape();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await insertActiveMandates(db, await insertMandateOwners(db), 1, new Date(Date.now() - 600_000));
    // When Prometheus scrapes the worker
    const text = await scrape();
    // Then the overdue age is about ten minutes, and the sealing lag is reported
    expect(value(text, 'relais_expiry_overdue_seconds')).toBeGreaterThan(590);
    expect(value(text, 'relais_audit_sealing_lag_seconds')).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('answers nothing but /metrics', async () => {
    await scrape();
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  }, 30_000);

  it('given a running worker, when its liveness route is asked, then it answers 200 (the Kubernetes liveness probe)', async () => {
    // Given
    await scrape();

    // When
    const response = await fetch(`http://127.0.0.1:${port}/health/live`);

    // Then
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  }, 30_000);
});
