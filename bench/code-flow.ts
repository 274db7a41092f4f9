/**
 * The delegated-login bench's client side, shared by bench/delegated-login.ts and
 * bench/scale-demo.ts: a cookie-keeping "browser" on node:http, one code flow as a public service runs
 * it, a concurrent run that measures flows/s and latencies, and the CPU and I/O the api
 * processes spent (bench/io-counter.ts over IPC). Bench code only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { SingleBar } from 'cli-progress';
import { Redis } from 'ioredis';

export const CALLBACK = 'http://localhost:3200/callback';

/** A response read to its end: what the flows need of it. */
export interface Reply {
  status: number;
  headers: { get(name: string): string | null; getSetCookie(): string[] };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** Connections kept alive per origin, as a browser's or a public service's HTTP client keeps them. */
const keepAlive = new Agent({ keepAlive: true });

/**
 * One plain-HTTP request, its body read to the end, no redirect followed. node:http rather than
 * fetch: fetch's WHATWG layers cost this load generator, on the same two cores as the servers it
 * measures, about as much CPU per flow as the whole bare provider (docs/performance.md).
 */
export function send(
  url: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const headers =
    init.body === undefined
      ? init.headers
      : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: init.method ?? 'GET', headers, agent: keepAlive }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const received = response.headers;
        resolve({
          status: response.statusCode ?? 0,
          headers: {
            get: (name) => {
              const value = received[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
            getSetCookie: () => received['set-cookie'] ?? [],
          },
          text: async () => body,
          json: async () => JSON.parse(body) as unknown,
        });
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/** Just enough of a browser: cookies by name, no redirect followed. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async send(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Reply> {
    const response = await send(new URL(path, this.origin), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
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

export const csrf = async (response: Reply) => /name="_csrf" value="([^"]+)"/.exec(await response.text())![1];
export const location = (response: Reply) => {
  if (response.status !== 303 && response.status !== 302)
    throw new Error(`expected a redirect, got ${response.status}`);
  return response.headers.get('location')!;
};

/** Latencies in ms by step of the flow (authorize, interaction, resume, token, userinfo). */
export type Timings = Map<string, number[]>;

/** Runs one step and records its latency under `step`. */
export async function timed<T>(timings: Timings, step: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  let samples = timings.get(step);
  if (!samples) timings.set(step, (samples = []));
  samples.push(performance.now() - start);
  return result;
}

/** One code flow as a public service runs it: authorize, (interaction), code, token, userinfo. */
export async function codeFlow(
  timings: Timings,
  browser: Browser,
  issuer: string,
  client: { id: string; secret: string },
  interact: (browser: Browser, interactionPath: string) => Promise<string>,
): Promise<void> {
  await whole(() => codeFlowSteps(timings, browser, issuer, client, interact))(timings);
}

/** A flow run step by step (codeFlowSteps) as one whole flow, for measure(). */
export const whole =
  (steps: (timings: Timings) => AsyncGenerator<string>) =>
  async (timings: Timings): Promise<void> => {
    for await (const step of steps(timings)) void step;
  };

/** The same flow one step at a time (each `next()` runs one), so a bench can run it step by step. */
export async function* codeFlowSteps(
  timings: Timings,
  browser: Browser,
  issuer: string,
  client: { id: string; secret: string },
  interact: (browser: Browser, interactionPath: string) => Promise<string>,
): AsyncGenerator<string> {
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
  yield '1 authorize';
  const resume = await timed(timings, '2 interaction', () => interact(browser, interaction));
  yield '2 interaction';
  const callback = new URL(
    location(await timed(timings, '3 resume', () => browser.send(new URL(resume, issuer).pathname))),
  );
  yield '3 resume';
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search}`);
  const { access_token: accessToken } = await timed(timings, '4 token', async () => {
    const token = await send(`${issuer}/token`, {
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
      }).toString(),
    });
    const body = (await token.json()) as { access_token?: string; id_token?: string };
    if (!body.access_token || !body.id_token) throw new Error(`token answered ${token.status}`);
    return body as { access_token: string };
  });
  yield '4 token';
  await timed(timings, '5 userinfo', async () => {
    const userinfo = await send(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (userinfo.status !== 200) throw new Error(`userinfo answered ${userinfo.status}`);
  });
  yield '5 userinfo';
}

export interface Measured {
  label: string;
  /** Prints what the server processes did meanwhile (observed). */
  io?: () => void;
  flowsPerSecond: number;
  timings: Timings;
  /** The 1-minute load average when the run started and when it ended. */
  load: [number, number];
}

/** Runs `flows` flows, `concurrency` at a time; returns flows per second and the step latencies. */
export async function measure(
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

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export function report(run: Measured): void {
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

export interface Snapshot {
  endpoints: IoStats;
  /** CPU time (user + system) the process used so far. */
  cpuMicros: number;
  /** Of which in the kernel (socket reads and writes, mostly). */
  systemMicros: number;
  /** Garbage collections' pause time so far, and how many were full collections. */
  gcMicros: number;
  gcMajor: number;
}

/** The SQL/Redis counts and CPU time of a server process so far (bench/io-counter.ts, over IPC). */
export function snapshot(child: ChildProcess): Promise<Snapshot> {
  return ask(child, 'io-stats') as Promise<Snapshot>;
}

/** Sends a message to a server process and waits for its answer. */
export const ask = (child: ChildProcess, message: string) =>
  new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });

/**
 * Runs `run` and reports what the server processes did meanwhile, per flow and per endpoint;
 * with BENCH_PROFILE, they write a CPU profile of that run (bench/profile-top.ts reads them).
 */
export async function observed(
  servers: ChildProcess[],
  flows: number,
  run: () => Promise<Measured>,
): Promise<Measured> {
  const before = await Promise.all(servers.map(snapshot));
  const machineBefore = await machineCpu();
  if (process.env.BENCH_PROFILE) await Promise.all(servers.map((server) => ask(server, 'profile-start')));
  const measured = await run();
  if (process.env.BENCH_PROFILE) await Promise.all(servers.map((server) => ask(server, 'profile-stop')));
  const machineAfter = await machineCpu();
  const after = await Promise.all(servers.map(snapshot));
  return {
    ...measured,
    io: () => {
      reportIo(before, after, flows);
      reportMachine(machineBefore, machineAfter, before, after, flows);
    },
  };
}

/** CPU time so far (µs): the machine's (busy and idle), this process's, Redis' and PostgreSQL's. */
interface MachineCpu {
  busy: number;
  /** Context switches, all cores (/proc/stat `ctxt`). */
  switches: number;
  idle: number;
  generator: number;
  redis: number;
  /** Per PostgreSQL process: backends come and go, only those alive at the end are summed. */
  postgres: Map<string, number>;
}

/** Linux clock ticks (USER_HZ) in /proc, in µs. */
const TICK_MICROS = 10_000;

/** Reads /proc/stat, /proc/<pid>/stat of every `postgres` process, and Redis' INFO cpu. */
async function machineCpu(): Promise<MachineCpu> {
  const stat = readFileSync('/proc/stat', 'utf8');
  const [, ...fields] = stat.split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const postgres = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const processStat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!processStat.includes('(postgres)')) continue;
      const after = processStat.slice(processStat.lastIndexOf(')') + 2).split(' ');
      postgres.set(pid, (Number(after[11]) + Number(after[12])) * TICK_MICROS); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const info = await redis.info('cpu');
  await redis.quit();
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  const usage = process.cpuUsage();
  return {
    switches: Number(/^ctxt (\d+)$/m.exec(stat)?.[1] ?? 0),
    busy: (user + nice + system + irq + softirq + steal) * TICK_MICROS,
    idle: (idle + iowait) * TICK_MICROS,
    generator: usage.user + usage.system,
    redis: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6,
    postgres,
  };
}

/**
 * Where the machine's cores went per flow: the server processes, this load generator, PostgreSQL,
 * Redis, anything else, and what stayed idle (all cores summed).
 */
function reportMachine(
  before: MachineCpu,
  after: MachineCpu,
  serversBefore: Snapshot[],
  serversAfter: Snapshot[],
  flows: number,
): void {
  const spent = (field: Exclude<keyof MachineCpu, 'postgres'>) => (after[field] - before[field]) / 1000 / flows;
  let postgres = 0;
  for (const [pid, micros] of after.postgres) postgres += micros - (before.postgres.get(pid) ?? 0);
  const servers = serversAfter.reduce((sum, taken, index) => sum + taken.cpuMicros - serversBefore[index].cpuMicros, 0);
  const parts = {
    servers: servers / 1000 / flows,
    generator: spent('generator'),
    postgres: postgres / 1000 / flows,
    redis: spent('redis'),
  };
  const others = spent('busy') - Object.values(parts).reduce((sum, value) => sum + value, 0);
  const ms = (value: number) => value.toFixed(2);
  console.log(
    `  the machine per flow (ms of CPU, all cores): servers ${ms(parts.servers)}, load generator ${ms(parts.generator)}, ` +
      `PostgreSQL ${ms(parts.postgres)}, Redis ${ms(parts.redis)}, others ${ms(Math.max(0, others))}; idle ${ms(spent('idle'))}; ` +
      `${((after.switches - before.switches) / flows).toFixed(0)} context switches`,
  );
}

/** Flows in flight at once in cpuByStep: oidc-provider's memory adapter keeps 1,000 models (a flow makes five). */
const STEP_BATCH = 100;

/**
 * The server processes' CPU time per request at each step: flows run one step at a time (every
 * flow of a batch does its authorize, `concurrency` at a time, then every flow its interaction,
 * …), with the processes' CPU read between steps. BENCH_STEPS=1 in bench/delegated-login.ts.
 */
export async function cpuByStep(
  servers: ChildProcess[],
  flows: number,
  concurrency: number,
  flow: () => AsyncGenerator<string>,
): Promise<Map<string, { cpu: number; system: number }>> {
  const read = async () => {
    const taken = await Promise.all(servers.map(snapshot));
    return {
      cpu: taken.reduce((sum, each) => sum + each.cpuMicros, 0),
      system: taken.reduce((sum, each) => sum + each.systemMicros, 0),
    };
  };
  const byStep = new Map<string, { cpu: number; system: number }>();
  for (let batch = 0; batch < flows; batch += STEP_BATCH) {
    const pending = Array.from({ length: Math.min(STEP_BATCH, flows - batch) }, flow);
    for (;;) {
      if (process.env.BENCH_PROFILE) await Promise.all(servers.map((server) => ask(server, 'profile-start')));
      const before = await read();
      let next = 0;
      let step: string | undefined;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < pending.length) {
            const result = await pending[(next += 1) - 1].next();
            if (!result.done) step = result.value;
          }
        }),
      );
      const after = await read();
      if (process.env.BENCH_PROFILE) await Promise.all(servers.map((server) => ask(server, 'profile-stop')));
      if (!step) break;
      const sum = byStep.get(step) ?? { cpu: 0, system: 0 };
      byStep.set(step, { cpu: sum.cpu + after.cpu - before.cpu, system: sum.system + after.system - before.system });
    }
  }
  return byStep;
}

/** One line per run: the CPU (µs) per request at each step, and its share in the kernel. */
export function reportCpuBySteps(
  runs: { label: string; flows: number; byStep: Map<string, { cpu: number; system: number }> }[],
): void {
  const steps = [...new Set(runs.flatMap((run) => [...run.byStep.keys()]))];
  console.log(`  CPU per request in the server processes, step by step (µs, and the kernel's share):`);
  console.log(`  ${''.padEnd(26)}${steps.map((step) => step.padStart(20)).join('')}${'flow'.padStart(20)}`);
  const cell = ({ cpu, system }: { cpu: number; system: number }, flows: number) =>
    `${(cpu / flows).toFixed(0)} (${((100 * system) / cpu).toFixed(0)} %)`.padStart(20);
  for (const run of runs) {
    const each = steps.map((step) => run.byStep.get(step) ?? { cpu: 0, system: 0 });
    const total = each.reduce((sum, value) => ({ cpu: sum.cpu + value.cpu, system: sum.system + value.system }), {
      cpu: 0,
      system: 0,
    });
    console.log(
      `  ${run.label.padEnd(26)}${each.map((value) => cell(value, run.flows)).join('')}${cell(total, run.flows)}`,
    );
  }
}

/** Statements and commands per flow, per endpoint, summed over the processes, between two snapshots. */
export function reportIo(beforeSnapshots: Snapshot[], afterSnapshots: Snapshot[], flows: number): void {
  const before = beforeSnapshots.map((taken) => taken.endpoints);
  const after = afterSnapshots.map((taken) => taken.endpoints);
  const spent = (field: 'cpuMicros' | 'systemMicros' | 'gcMicros' | 'gcMajor') =>
    afterSnapshots.reduce((sum, taken, index) => sum + taken[field] - beforeSnapshots[index][field], 0);
  const cpu = spent('cpuMicros');
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
      `${(cpu / 1000 / flows).toFixed(2)} ms of CPU in the server processes ` +
      `(${((100 * spent('systemMicros')) / cpu).toFixed(0)} % in the kernel; ${((flows * 1e6) / cpu).toFixed(0)} flows per CPU-second); ` +
      `GC pauses ${(spent('gcMicros') / 1000 / flows).toFixed(2)} ms per flow, ${spent('gcMajor')} full collections`,
  );
}

/** Starts a compiled script as a child process; resolves with the line it prints when ready. */
export function spawnReady(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', join(projectRoot(), 'dist/bench/io-counter.js'), script, ...args],
      { env, stdio: ['ignore', 'pipe', 'ignore', 'ipc'] },
    );
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, line: chunk.toString().trim() }));
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitUntilReady(origin: string): Promise<void> {
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
