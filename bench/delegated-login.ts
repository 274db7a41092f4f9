/**
 * Target: delegated login, full flow (authorize → aide already logged in → pick → code → token →
 * userinfo) ≥ 150 flows/s on 2 cores, and at least half the throughput of a bare oidc-provider
 * doing the same code flow in the same run. Uses its own database (relais_bench_delegation,
 * dropped at the end) and Redis prefix. Usage: npm run bench:delegation [flows] [concurrency…]
 * (default 3000 flows, at 16 then 50 concurrent). Prints flows/s, p50/p95/p99 per endpoint, and
 * the SQL statements and Redis commands per flow and per endpoint counted in the api processes
 * (bench/io-counter.ts), and where the machine's two cores went per flow (servers, load
 * generator, PostgreSQL, Redis, idle, context switches). Besides the bare provider in memory (the
 * target's baseline) and on Relais' Redis adapter, it runs the bare provider with Relais'
 * guarantees and nothing else of Relais (bench/bare-provider.ts, `guarded`): what the guarantees
 * cost, apart from the rest.
 * BENCH_STEPS=1 adds the servers' CPU per request at each step (flows run step by step);
 * BENCH_GUARANTEES=1 runs the bare provider on Redis with each of Relais' guarantees alone, then with
 * all but the re-check (the most any cache of it could give);
 * BENCH_PROFILE=<dir> writes CPU profiles of the server processes.
 */
import 'reflect-metadata';

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '@relais/config';
import { dropDatabase } from '@relais/database';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair } from 'jose';
import { generateSync } from 'otplib';

import { createApi } from '../apps/api/src/create-api.js';
import { migrate } from '../apps/cli/src/commands/database.command.js';
import { BARE_CLIENT } from './bare-provider-client.js';
import {
  Browser,
  CALLBACK,
  codeFlowSteps,
  cpuByStep,
  csrf,
  freePort,
  location,
  measure,
  observed,
  report,
  reportCpuBySteps,
  spawnReady,
  type Timings,
  waitUntilReady,
  whole,
} from './code-flow.js';
import { BENCH_AIDE_EMAIL, BENCH_PASSWORD, seedDelegation } from './delegation-seed.js';

const FLOWS = Number(process.argv[2] ?? 3_000);
const CONCURRENCIES = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [16, 50];

const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = '/relais_bench_delegation';
Object.assign(process.env, {
  DATABASE_URL: url.toString(),
  REDIS_PREFIX: 'relais-bench-delegation',
  // BENCH_LOG_LEVEL=info measures with the request logs production writes (to /dev/null here).
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  NODE_ENV: 'test',
});

await dropDatabase(url.toString());
await migrate(url.toString());
const ports = [await freePort(), await freePort()];
const origins = ports.map((port) => `http://127.0.0.1:${port}`);
process.env.ISSUER = origins[0];
// Seeding in this process; the api then runs as two processes (one per core), like production.
const app: NestExpressApplication = await createApi();
const children: ChildProcess[] = [];
try {
  // One structure, one trained aide logged in, one citizen with a mandate, one public service.
  const seeded = await seedDelegation(app, CALLBACK);
  const { secret } = seeded;
  const citizen = { id: seeded.citizenId };

  await app.close();
  const root = projectRoot();
  const apis: ChildProcess[] = [];
  for (const port of ports) {
    const child = spawn(
      process.execPath,
      ['--import', join(root, 'dist/bench/io-counter.js'), join(root, 'dist/apps/api/src/main.js')],
      {
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      },
    );
    children.push(child);
    apis.push(child);
  }
  await Promise.all(origins.map(waitUntilReady));
  // The bare provider: the same keys and cookie key in every process (ES256 signs, as Relais).
  const es256 = await generateKeyPair('ES256', { extractable: true });
  const rs256 = await generateKeyPair('RS256', { extractable: true });
  Object.assign(process.env, {
    BARE_JWKS: JSON.stringify({
      keys: [
        { ...(await exportJWK(es256.privateKey)), alg: 'ES256', use: 'sig', kid: 'bare-es256' },
        { ...(await exportJWK(rs256.privateKey)), alg: 'RS256', use: 'sig', kid: 'bare-rs256' },
      ],
    }),
    BARE_COOKIE_KEY: randomBytes(32).toString('base64url'),
  });
  const bareScript = join(root, 'dist/bench/bare-provider.js');
  const bareProcess = async (storage: 'memory' | 'redis' | 'guarded', env = process.env) => {
    const bare = await spawnReady(bareScript, [CALLBACK, storage, 'relais-bench-delegation:bare'], env);
    children.push(bare.child);
    return { child: bare.child, issuer: bare.line.replace(/^ready /, '') };
  };
  const bareMemory = await bareProcess('memory');
  const bareIssuer = bareMemory.issuer;
  const bareRedis = [await bareProcess('redis'), await bareProcess('redis')];
  const bareRedisIssuers = bareRedis.map((bare) => bare.issuer);

  const aide = new Browser(process.env.ISSUER);
  const login = await aide.send('/connexion');
  await aide.send('/connexion', {
    form: { _csrf: await csrf(login), email: BENCH_AIDE_EMAIL, password: BENCH_PASSWORD },
  });
  const codePage = await aide.send('/connexion/code');
  await aide.send('/connexion/code', { form: { _csrf: await csrf(codePage), code: generateSync({ secret }) } });
  const token = await csrf(await aide.send('/espace'));

  // The bare provider with Relais' guarantees (bench/bare-provider.ts, `guarded`), acting for the
  // seeded aide: its console session (the only one in Redis) and the seeded mandate and service.
  const sessions = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const [sessionKey] = await sessions.keys(`${process.env.REDIS_PREFIX}:session:*`);
  await sessions.quit();
  process.env.BARE_GUARDED = JSON.stringify({
    aideId: seeded.aideId,
    structureId: seeded.structureId,
    citizenId: seeded.citizenId,
    clientId: seeded.client.id,
    sessionKey,
  });
  const bareGuarded = [await bareProcess('guarded'), await bareProcess('guarded')];
  const bareGuardedIssuers = bareGuarded.map((bare) => bare.issuer);
  // BENCH_GUARANTEES=1: the bare provider on Redis (2 processes) with one of the guarantees only,
  // then with all but the re-check.
  const guaranteeVariants = process.env.BENCH_GUARANTEES
    ? await Promise.all(
        Object.entries({
          session: 'console session read at the interaction',
          opening: 'delegation opened, journaled, in one statement',
          recheck: 'delegation re-checked at each token use',
          counters: 'failed-authentication counters read',
          // The ceiling of any cache of the re-check, however it were invalidated.
          'session,opening,counters': 'every guarantee but the re-check',
        }).map(async ([guarantee, label]) => {
          const env = { ...process.env, BARE_GUARANTEES: guarantee };
          const pair = [await bareProcess('guarded', env), await bareProcess('guarded', env)];
          return {
            label: `  + ${label}`,
            servers: pair.map((bare) => bare.child),
            issuers: pair.map((bare) => bare.issuer),
          };
        }),
      )
    : [];

  const relaisClient = seeded.client;
  let turn = 0;
  const confirm = async (browser: Browser, interaction: string) =>
    location(
      await browser.send(`${interaction}/confirmation`, {
        form: { _csrf: token, citoyen: citizen.id, demarche: 'papers' },
      }),
    );
  // Round robin over the two api processes, as a load balancer would.
  const relaisSteps = (timings: Timings = new Map()) => {
    const origin = origins[(turn += 1) % 2];
    return codeFlowSteps(timings, aide.fork(origin), `${origin}/oidc`, relaisClient, confirm);
  };
  const bareInteraction = async (browser: Browser, interaction: string) => location(await browser.send(interaction));
  const bareSteps =
    (issuers: string[]) =>
    (timings: Timings = new Map()) => {
      const issuer = issuers[(turn += 1) % issuers.length];
      return codeFlowSteps(timings, new Browser(issuer), issuer, BARE_CLIENT, bareInteraction);
    };
  const relaisFlow = whole(relaisSteps);
  const bareFlow = whole(bareSteps([bareIssuer]));
  const bareRedisFlow = (issuers: string[]) => whole(bareSteps(issuers));
  // BENCH_STEPS=1: the same flows one step at a time, for the CPU each endpoint costs.
  const stepByStep = async (concurrency: number) => {
    const flows = Math.min(FLOWS, 1_000);
    const steps = (servers: ChildProcess[], label: string, flow: () => AsyncGenerator<string>) =>
      cpuByStep(servers, flows, concurrency, flow).then((byStep) => ({ label, flows, byStep }));
    reportCpuBySteps([
      await steps(apis, 'Relais (2 processes)', relaisSteps),
      await steps([bareMemory.child], 'bare, memory (1 process)', bareSteps([bareIssuer])),
      await steps(
        bareRedis.map((bare) => bare.child),
        'bare, Redis (2 processes)',
        bareSteps(bareRedisIssuers),
      ),
      await steps(
        bareGuarded.map((bare) => bare.child),
        "bare + Relais' guarantees",
        bareSteps(bareGuardedIssuers),
      ),
    ]);
  };

  for (const concurrency of CONCURRENCIES) {
    await measure('warm-up', 100, concurrency, relaisFlow);
    await measure('warm-up (bare)', 100, concurrency, bareFlow);
    await measure('warm-up (bare, Redis)', 100, concurrency, bareRedisFlow(bareRedisIssuers));
    await measure('warm-up (bare, guarded)', 100, concurrency, bareRedisFlow(bareGuardedIssuers));
    const relais = await observed(apis, FLOWS, () => measure('Relais (2 processes)', FLOWS, concurrency, relaisFlow));
    const baseline = await observed([bareMemory.child], FLOWS, () =>
      measure('bare, memory (1 process)', FLOWS, concurrency, bareFlow),
    );
    const bareRedis1 = await observed([bareRedis[0].child], FLOWS, () =>
      measure('bare, Redis (1 process)', FLOWS, concurrency, bareRedisFlow(bareRedisIssuers.slice(0, 1))),
    );
    const bareRedis2 = await observed(
      bareRedis.map((bare) => bare.child),
      FLOWS,
      () => measure('bare, Redis (2 processes)', FLOWS, concurrency, bareRedisFlow(bareRedisIssuers)),
    );
    const guarded = await observed(
      bareGuarded.map((bare) => bare.child),
      FLOWS,
      () => measure("bare + Relais' guarantees", FLOWS, concurrency, bareRedisFlow(bareGuardedIssuers)),
    );
    console.log(`\n${FLOWS} flows, ${concurrency} at a time`);
    for (const run of [relais, baseline, bareRedis1, bareRedis2, guarded]) report(run);
    console.log(`Relais: ${relais.flowsPerSecond.toFixed(0)} flows/s (target >= 150)`);
    console.log(
      `ratio to the bare provider: ${(relais.flowsPerSecond / baseline.flowsPerSecond).toFixed(2)} (target >= 0.50); ` +
        `to the bare provider on Redis, 2 processes: ${(relais.flowsPerSecond / bareRedis2.flowsPerSecond).toFixed(2)}`,
    );
    console.log(
      `the bare provider with Relais' guarantees, to the bare provider: ` +
        `${(guarded.flowsPerSecond / baseline.flowsPerSecond).toFixed(2)}; Relais to it: ` +
        `${(relais.flowsPerSecond / guarded.flowsPerSecond).toFixed(2)}\n`,
    );
    for (const variant of guaranteeVariants) {
      await measure('warm-up (one guarantee)', 100, concurrency, bareRedisFlow(variant.issuers));
      const run = await observed(variant.servers, FLOWS, () =>
        measure(variant.label, FLOWS, concurrency, bareRedisFlow(variant.issuers)),
      );
      console.log(
        `bare, Redis (2 processes) ${variant.label.trim()}: ${run.flowsPerSecond.toFixed(0)} flows/s, ` +
          `${(run.flowsPerSecond / bareRedis2.flowsPerSecond).toFixed(2)} of the bare provider on Redis, ` +
          `${(run.flowsPerSecond / baseline.flowsPerSecond).toFixed(2)} of the bare provider`,
      );
      run.io?.();
    }
    if (process.env.BENCH_STEPS) await stepByStep(concurrency);
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await app.close().catch(() => undefined);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  // Relais' keys, hash-tagged ones included, and the bare provider's (`relais-bench-delegation:bare…`).
  for (const pattern of ['relais-bench-delegation*', '{relais-bench-delegation*']) {
    const keys = await redis.keys(pattern);
    // In chunks: a few hundred thousand keys would not fit one call's arguments.
    for (let start = 0; start < keys.length; start += 10_000) await redis.del(...keys.slice(start, start + 10_000));
  }
  await redis.quit();
  await dropDatabase(url.toString());
}
