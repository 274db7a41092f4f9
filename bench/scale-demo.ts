/**
 * Scale-out on this machine (npm run scale:demo [flows] [expiring mandates] [concurrency]): nginx, round robin
 * without sticky sessions, in front of two api processes, with two worker processes, the
 * identity sandbox (FranceConnect) and the demo public service, all on loopback, with a database
 * of its own (relais_scale_demo_<pid>, dropped at the end) and a Redis prefix of its own. Runs through
 * it (a) the delegated-login bench at one api process and at two, (b) a browser journey served
 * by both api processes, (c) an export requested on one process and downloaded from the other,
 * (d) a login rate limit counted across processes per real client IP, (e) a worker killed in the
 * middle of an expiry batch. One PASS/FAIL line per step; exits 1 if any failed. Installs nothing.
 */
import 'reflect-metadata';

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { dropDatabase } from '@relais/database';
import { PublicServicesService } from '@relais/public-services';
import { AuditActorType } from '@relais/audit';
import { Redis } from 'ioredis';
import pg from 'pg';

import { createApi } from '../apps/api/src/create-api.js';
import { migrate } from '../apps/cli/src/commands/database.command.js';
import { CALLBACK, freePort } from './code-flow.js';
import { seedDelegation } from './delegation-seed.js';
import {
  benchThroughNginx,
  browserJourney,
  exportAcrossProcesses,
  rateLimitAcrossProcesses,
  type Scene,
  workerKilledMidJob,
} from './scale-demo-steps.js';
import {
  nginxMissing,
  startApiProcess,
  startNginx,
  startStandIn,
  startWorkerProcess,
  stopChild,
  waitUntilReady,
} from './scale-out.js';

const FLOWS = Number(process.argv[2] ?? 1_000);
const EXPIRING = Number(process.argv[3] ?? 20_000);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const PREFIX = `relais-scale-demo-${process.pid}`;

const missing = [
  nginxMissing(),
  existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium')
    ? null
    : 'chromium introuvable : apt-get install chromium (ou CHROMIUM_PATH=<chemin du navigateur>)',
  existsSync(join(projectRoot(), 'dist/apps/api/src/main.js')) ? null : 'dist/ absent : npm run build',
].filter(Boolean);
if (missing.length > 0) {
  for (const line of missing) console.error(line);
  process.exit(1);
}

const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = `/relais_scale_demo_${process.pid}`;
const [front, firstOnly, demoPort, ...apiPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
const issuer = `http://127.0.0.1:${front}`;
const demoServiceUrl = `http://127.0.0.1:${demoPort}`;
Object.assign(process.env, {
  DATABASE_URL: url.toString(),
  REDIS_PREFIX: PREFIX,
  LOG_LEVEL: process.env.SCALE_DEMO_LOG_LEVEL ?? 'silent',
  NODE_ENV: 'test',
  ISSUER: issuer,
  // The worker sweeps ended mandates every half second, in batches of 500 (step e).
  EXPIRY_SWEEP_INTERVAL_MS: '500',
  EXPIRY_BATCH_SIZE: '500',
});

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'relais-scale-demo-'));
let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
let db: pg.Client | undefined;
let failed = 0;

/** Runs a step and prints its PASS or FAIL line. */
async function step(name: string, run: () => Promise<string>): Promise<void> {
  try {
    console.log(`PASS  ${name} ${await run()}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL  ${name} ${(error as Error).message}`);
  }
}

try {
  console.log(
    `Preparing ${url.pathname.slice(1)} and starting nginx, 2 api and 2 worker processes (load average ${loadavg()[0].toFixed(1)})…`,
  );
  await dropDatabase(url.toString());
  await migrate(url.toString());
  const sandbox = await startStandIn(
    'dist/apps/identity-sandbox/src/main.js',
    { ...process.env, SANDBOX_PORT: '0', SANDBOX_EXTRA_REDIRECT_URIS: `${issuer}/franceconnect/callback` },
    /issuer (\S+),/,
  );
  children.push(sandbox.child);
  process.env.FRANCECONNECT_ISSUER = sandbox.match[1];

  // Seeding in this process, through the services; the api then runs as two processes.
  const app = await createApi();
  const seed = await seedDelegation(app, CALLBACK);
  const demo = await app.get(PublicServicesService).register(
    {
      name: 'Service public de démonstration',
      redirectUris: [`${demoServiceUrl}/callback`],
      postLogoutRedirectUris: [`${demoServiceUrl}/`],
      areas: ['papers'],
    },
    { type: AuditActorType.Operator },
  );
  await app.close();

  const apis = apiPorts.map((port) => startApiProcess(port, process.env, { ioCounter: true }));
  children.push(...apis);
  const workers = ['relais-worker-1', 'relais-worker-2'].map((name) => ({
    name,
    child: startWorkerProcess(name, process.env),
  }));
  children.push(...workers.map((worker) => worker.child));
  nginx = await startNginx(join(dir, 'nginx'), { front, firstOnly }, apiPorts);
  await waitUntilReady([...apiPorts.map((port) => `http://127.0.0.1:${port}`), nginx.origin]);
  const demoService = await startStandIn(
    'dist/apps/demo-service/src/main.js',
    {
      ...process.env,
      DEMO_SERVICE_PORT: String(demoPort),
      DEMO_SERVICE_URL: demoServiceUrl,
      DEMO_SERVICE_ISSUER: `${issuer}/oidc`,
      DEMO_SERVICE_CLIENT_ID: demo.publicService.clientId,
      DEMO_SERVICE_CLIENT_SECRET: demo.clientSecret,
    },
    /listening on/,
  );
  children.push(demoService.child);
  db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  console.log(
    `nginx ${nginx.origin} (round robin over api 1 :${apiPorts[0]} and api 2 :${apiPorts[1]}; ${nginx.firstOnlyOrigin} to api 1 only)\n`,
  );

  const scene: Scene = { nginx, apiPorts, apis, workers, db, seed, demoServiceUrl };
  await step('(a)', () => benchThroughNginx(scene, FLOWS, CONCURRENCY));
  await step('(b)', () => browserJourney(scene));
  await step('(c)', () => exportAcrossProcesses(scene));
  await step('(d)', () => rateLimitAcrossProcesses(scene));
  await step('(e)', () => workerKilledMidJob(scene, EXPIRING));
} catch (error) {
  failed += 1;
  console.log(`FAIL  setup ${(error as Error).stack}`);
} finally {
  await db?.end().catch(() => undefined);
  await nginx?.stop();
  await Promise.all(children.map((child) => stopChild(child)));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`*${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await dropDatabase(url.toString());
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed === 0 ? '\nscale-out demo: every step passed' : `\nscale-out demo: ${failed} step(s) failed`);
process.exit(failed === 0 ? 0 : 1);
