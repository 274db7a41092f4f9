/**
 * Target: delegated login, full flow (authorize → aide already logged in → pick → code → token →
 * userinfo) ≥ 150 flows/s on 2 cores, and at least half the throughput of a bare oidc-provider
 * doing the same code flow in the same run. Uses its own database (relais_bench_delegation,
 * dropped at the end) and Redis prefix. Usage: npm run bench:delegation [flows] [concurrency…]
 * (default 3000 flows, at 16 then 50 concurrent). Prints flows/s, p50/p95/p99 per endpoint, and
 * the SQL statements and Redis commands per flow and per endpoint counted in the api processes
 * (bench/io-counter.ts). BENCH_PROFILE=<dir> writes CPU profiles of the api processes.
 */
import 'reflect-metadata';

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { InvitationsService, MembershipRole, TotpService } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { projectRoot } from '@relais/config';
import { dropDatabase } from '@relais/database';
import { ConsentChannel, ConsentService, MandateDuration, MandateRequests } from '@relais/mandates';
import { PublicServicesService } from '@relais/public-services';
import { SingleBar } from 'cli-progress';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair } from 'jose';
import { generateSync } from 'otplib';
import { DataSource } from 'typeorm';

import { createApi } from '../apps/api/src/create-api.js';
import { migrate } from '../apps/cli/src/commands/database.command.js';
import { BARE_CLIENT } from './bare-provider-client.js';

const FLOWS = Number(process.argv[2] ?? 3_000);
const CONCURRENCIES = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [16, 50];
const CALLBACK = 'http://localhost:3200/callback';
const PASSWORD = 'Lampadaire-Violet-Sur-Colline-42';
const OPERATOR = { type: AuditActorType.Operator };

const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = '/relais_bench_delegation';
Object.assign(process.env, {
  DATABASE_URL: url.toString(),
  REDIS_PREFIX: 'relais-bench-delegation',
  // BENCH_LOG_LEVEL=info measures with the request logs production writes (to /dev/null here).
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  NODE_ENV: 'test',
});

/** Just enough of a browser: cookies by name, no redirect followed. */
class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async send(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(new URL(path, this.origin), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return response;
  }

  /** A copy sharing the cookies so far (the console session), then living its own life. */
  fork(origin = this.origin): Browser {
    const copy = new Browser(origin);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

const csrf = async (response: Response) => /name="_csrf" value="([^"]+)"/.exec(await response.text())![1];
const location = (response: Response) => {
  if (response.status !== 303 && response.status !== 302)
    throw new Error(`expected a redirect, got ${response.status}`);
  return response.headers.get('location')!;
};

/** Latencies in ms by step of the flow (authorize, interaction, resume, token, userinfo). */
type Timings = Map<string, number[]>;

/** Runs one step and records its latency under `step`. */
async function timed<T>(timings: Timings, step: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  let samples = timings.get(step);
  if (!samples) timings.set(step, (samples = []));
  samples.push(performance.now() - start);
  return result;
}

/** One code flow as a public service runs it: authorize, (interaction), code, token, userinfo. */
async function codeFlow(
  timings: Timings,
  browser: Browser,
  issuer: string,
  client: { id: string; secret: string },
  interact: (browser: Browser, interactionPath: string) => Promise<string>,
): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: client.id,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  });
  const authorize = `${new URL(issuer).pathname.replace(/\/$/, '')}/auth?${query}`;
  const interaction = location(await timed(timings, '1 authorize', () => browser.send(authorize)));
  const resume = await timed(timings, '2 interaction', () => interact(browser, interaction));
  const callback = new URL(
    location(await timed(timings, '3 resume', () => browser.send(new URL(resume, issuer).pathname))),
  );
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search}`);
  const { access_token: accessToken } = await timed(timings, '4 token', async () => {
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      }),
    });
    const body = (await token.json()) as { access_token?: string; id_token?: string };
    if (!body.access_token || !body.id_token) throw new Error(`token answered ${token.status}`);
    return body as { access_token: string };
  });
  await timed(timings, '5 userinfo', async () => {
    const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (userinfo.status !== 200) throw new Error(`userinfo answered ${userinfo.status}`);
    await userinfo.arrayBuffer();
  });
}

interface Measured {
  label: string;
  /** Prints what the server processes did meanwhile (observed). */
  io?: () => void;
  flowsPerSecond: number;
  timings: Timings;
  /** The 1-minute load average when the run started and when it ended. */
  load: [number, number];
}

/** Runs `flows` flows, `concurrency` at a time; returns flows per second and the step latencies. */
async function measure(
  label: string,
  flows: number,
  concurrency: number,
  flow: (timings: Timings) => Promise<void>,
): Promise<Measured> {
  const timings: Timings = new Map();
  const loadBefore = loadavg()[0];
  const bar = new SingleBar({ format: `${label.padEnd(24)} {bar} {value}/{total} flows` });
  bar.start(flows, 0);
  let started = 0;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < flows) {
        started += 1;
        await flow(timings);
        bar.update((done += 1));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  bar.stop();
  return { label, flowsPerSecond: flows / seconds, timings, load: [loadBefore, loadavg()[0]] };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function report(run: Measured): void {
  console.log(
    `${run.label.padEnd(24)} ${run.flowsPerSecond.toFixed(0).padStart(5)} flows/s` +
      `  (load average ${run.load.map((load) => load.toFixed(1)).join(' → ')})`,
  );
  for (const [step, samples] of [...run.timings].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = samples.toSorted((a, b) => a - b);
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p).toFixed(1).padStart(6));
    console.log(`  ${step.padEnd(16)} p50 ${p50} ms  p95 ${p95} ms  p99 ${p99} ms`);
  }
  run.io?.();
}

interface IoCounts {
  requests: number;
  sql: number;
  redis: number;
  redisTrips: number;
  poolWaits?: number;
}
type IoStats = Record<string, IoCounts & { detail?: Record<string, number> }>;

interface Snapshot {
  endpoints: IoStats;
  /** CPU time (user + system) the process used so far. */
  cpuMicros: number;
}

/** The SQL/Redis counts and CPU time of a server process so far (bench/io-counter.ts, over IPC). */
function snapshot(child: ChildProcess): Promise<Snapshot> {
  return ask(child, 'io-stats') as Promise<Snapshot>;
}

/** Sends a message to a server process and waits for its answer. */
const ask = (child: ChildProcess, message: string) =>
  new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });

/**
 * Runs `run` and reports what the server processes did meanwhile, per flow and per endpoint;
 * with BENCH_PROFILE, they write a CPU profile of that run (bench/profile-top.ts reads them).
 */
async function observed(servers: ChildProcess[], flows: number, run: () => Promise<Measured>): Promise<Measured> {
  const before = await Promise.all(servers.map(snapshot));
  if (process.env.BENCH_PROFILE) await Promise.all(servers.map((server) => ask(server, 'profile-start')));
  const measured = await run();
  if (process.env.BENCH_PROFILE) await Promise.all(servers.map((server) => ask(server, 'profile-stop')));
  const after = await Promise.all(servers.map(snapshot));
  return { ...measured, io: () => reportIo(before, after, flows) };
}

/** Statements and commands per flow, per endpoint, summed over the processes, between two snapshots. */
function reportIo(beforeSnapshots: Snapshot[], afterSnapshots: Snapshot[], flows: number): void {
  const before = beforeSnapshots.map((taken) => taken.endpoints);
  const after = afterSnapshots.map((taken) => taken.endpoints);
  const cpu = afterSnapshots.reduce((sum, taken, index) => sum + taken.cpuMicros - beforeSnapshots[index].cpuMicros, 0);
  const zero = (): IoCounts => ({ requests: 0, sql: 0, redis: 0, redisTrips: 0 });
  const total = new Map<string, IoCounts>();
  after.forEach((stats, index) => {
    for (const [endpoint, counts] of Object.entries(stats)) {
      const earlier = before[index][endpoint] ?? zero();
      const sum = total.get(endpoint) ?? zero();
      sum.requests += counts.requests - earlier.requests;
      sum.sql += counts.sql - earlier.sql;
      sum.redis += counts.redis - earlier.redis;
      sum.redisTrips += counts.redisTrips - earlier.redisTrips;
      sum.poolWaits = (sum.poolWaits ?? 0) + (counts.poolWaits ?? 0) - (earlier.poolWaits ?? 0);
      total.set(endpoint, sum);
    }
  });
  let sql = 0;
  let redis = 0;
  let redisTrips = 0;
  let poolWaits = 0;
  console.log('  per request, in the api processes:');
  for (const [endpoint, counts] of total) {
    if (counts.requests === 0) continue;
    sql += counts.sql;
    redis += counts.redis;
    redisTrips += counts.redisTrips;
    poolWaits += counts.poolWaits ?? 0;
    const each = (value: number) => (value / counts.requests).toFixed(1).padStart(5);
    console.log(
      `  ${endpoint.padEnd(36)} ${each(counts.sql)} SQL  ${each(counts.redis)} Redis commands` +
        ` in ${each(counts.redisTrips)} round trips  (${counts.requests} requests)`,
    );
    // BENCH_DETAIL: what they are (totals since the processes started, warm-ups included).
    const detail: Record<string, number> = {};
    for (const stats of after) {
      for (const [name, count] of Object.entries(stats[endpoint]?.detail ?? {})) {
        detail[name] = (detail[name] ?? 0) + count;
      }
    }
    const requests = after.reduce((sum, stats) => sum + (stats[endpoint]?.requests ?? 0), 0);
    for (const [name, count] of Object.entries(detail)) {
      console.log(`      ${(count / requests).toFixed(1).padStart(5)} × ${name}`);
    }
  }
  console.log(
    `  per flow: ${(sql / flows).toFixed(1)} SQL statements, ${(redis / flows).toFixed(1)} Redis commands ` +
      `in ${(redisTrips / flows).toFixed(1)} round trips; ${poolWaits} waits for a pg connection; ` +
      `${(cpu / 1000 / flows).toFixed(2)} ms of CPU ` +
      `in the server processes (${((flows * 1e6) / cpu).toFixed(0)} flows per CPU-second)`,
  );
}

/** Starts a compiled script as a child process; resolves with the line it prints when ready. */
function spawnReady(script: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', join(projectRoot(), 'dist/bench/io-counter.js'), script, ...args],
      {
        stdio: ['ignore', 'pipe', 'ignore', 'ipc'],
      },
    );
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, line: chunk.toString().trim() }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilReady(origin: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${origin}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${origin} did not start`);
}

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
  const db = app.get(DataSource);
  const [structure] = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ('73282932000074', 'Bench', '1 rue de la Paix', 'france_services', '{papers}') RETURNING id`,
  );
  const invitations = app.get(InvitationsService);
  const invited = await invitations.invite(
    { structureId: structure.id, email: 'bench@example.fr', role: MembershipRole.Aide },
    OPERATOR,
  );
  const secret = app.get(TotpService).newSecret();
  await invitations.activate(invited.link!.split('/invitation/')[1], PASSWORD, secret, generateSync({ secret }));
  await db.query('UPDATE memberships SET training_validated_at = now()');
  await db.query('UPDATE aides SET totp_last_step = NULL');
  const requests = app.get(MandateRequests);
  const { mandate } = await requests.request({
    structureId: structure.id,
    aideId: invited.aideId,
    areas: ['papers'],
    duration: MandateDuration.SixMonths,
    channel: ConsentChannel.SameDevice,
  });
  const identification = { acr: 'eidas1', authTime: new Date(), idTokenDigest: 'bench' };
  const citizen = await requests.identify(mandate.id, {
    ...identification,
    sub: 'bench-citizen',
    givenName: 'Jeanne',
    familyName: 'Martin',
    birthdate: '1970-01-01',
    gender: 'female',
    birthplace: null,
    birthcountry: '99100',
    preferredUsername: null,
    email: null,
  });
  const consents = app.get(ConsentService);
  const page = await consents.page(mandate.id, citizen.id);
  await consents.consent({
    mandateId: mandate.id,
    citizenId: citizen.id,
    textVersion: page.text.version,
    textDigest: page.textDigest,
    identification,
  });
  const { publicService, clientSecret } = await app
    .get(PublicServicesService)
    .register({ name: 'Bench', redirectUris: [CALLBACK], areas: ['papers'] }, OPERATOR);

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
  const bareProcess = async (storage: 'memory' | 'redis') => {
    const bare = await spawnReady(bareScript, [CALLBACK, storage, 'relais-bench-delegation:bare']);
    children.push(bare.child);
    return { child: bare.child, issuer: bare.line.replace(/^ready /, '') };
  };
  const bareMemory = await bareProcess('memory');
  const bareIssuer = bareMemory.issuer;
  const bareRedis = [await bareProcess('redis'), await bareProcess('redis')];
  const bareRedisIssuers = bareRedis.map((bare) => bare.issuer);

  const aide = new Browser(process.env.ISSUER);
  const login = await aide.send('/connexion');
  await aide.send('/connexion', { form: { _csrf: await csrf(login), email: 'bench@example.fr', password: PASSWORD } });
  const codePage = await aide.send('/connexion/code');
  await aide.send('/connexion/code', { form: { _csrf: await csrf(codePage), code: generateSync({ secret }) } });
  const token = await csrf(await aide.send('/espace'));

  const relaisClient = { id: publicService.clientId, secret: clientSecret };
  let turn = 0;
  // Round robin over the two api processes, as a load balancer would.
  const relaisFlow = (timings: Timings) => {
    const origin = origins[(turn += 1) % 2];
    return codeFlow(timings, aide.fork(origin), `${origin}/oidc`, relaisClient, async (browser, interaction) =>
      location(
        await browser.send(`${interaction}/confirmation`, {
          form: { _csrf: token, citoyen: citizen.id, demarche: 'papers' },
        }),
      ),
    );
  };
  const bareInteraction = async (browser: Browser, interaction: string) => location(await browser.send(interaction));
  const bareFlow = (timings: Timings) =>
    codeFlow(timings, new Browser(bareIssuer), bareIssuer, BARE_CLIENT, bareInteraction);
  const bareRedisFlow = (issuers: string[]) => (timings: Timings) => {
    const issuer = issuers[(turn += 1) % issuers.length];
    return codeFlow(timings, new Browser(issuer), issuer, BARE_CLIENT, bareInteraction);
  };

  for (const concurrency of CONCURRENCIES) {
    await measure('warm-up', 100, concurrency, relaisFlow);
    await measure('warm-up (bare)', 100, concurrency, bareFlow);
    await measure('warm-up (bare, Redis)', 100, concurrency, bareRedisFlow(bareRedisIssuers));
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
    console.log(`\n${FLOWS} flows, ${concurrency} at a time`);
    for (const run of [relais, baseline, bareRedis1, bareRedis2]) report(run);
    console.log(`Relais: ${relais.flowsPerSecond.toFixed(0)} flows/s (target >= 150)`);
    console.log(
      `ratio to the bare provider: ${(relais.flowsPerSecond / baseline.flowsPerSecond).toFixed(2)} (target >= 0.50); ` +
        `to the bare provider on Redis, 2 processes: ${(relais.flowsPerSecond / bareRedis2.flowsPerSecond).toFixed(2)}\n`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await app.close().catch(() => undefined);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys('relais-bench-delegation*');
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await dropDatabase(url.toString());
}
