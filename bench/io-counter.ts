/**
 * Preloaded (`node --import`) into the api processes of bench/delegated-login.ts: counts the SQL
 * statements (pg `Client.query`, BEGIN/COMMIT included) and Redis commands (ioredis and node-redis
 * `sendCommand`, MULTI/EXEC included) each HTTP endpoint sends, through an AsyncLocalStorage
 * opened at each request. The bench asks for the totals over IPC ("io-stats"). Bench code only:
 * the product never loads it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';

interface Counts {
  requests: number;
  sql: number;
  redis: number;
  /** Redis round trips: a MULTI … EXEC is one. */
  redisTrips: number;
  /** Connections asked of pg's pool while none was idle and it was full: the request waited. */
  poolWaits?: number;
  /** With BENCH_DETAIL set: each statement (its first words) and command by name. */
  detail?: Record<string, number>;
}

const DETAIL = Boolean(process.env.BENCH_DETAIL);

const require = createRequire(join(process.cwd(), 'package.json'));
const current = new AsyncLocalStorage<Counts>();
const byEndpoint = new Map<string, Counts>();
const outside: Counts = { requests: 0, sql: 0, redis: 0, redisTrips: 0 };

/** `/delegation/Zx…/confirmation` → `/delegation/:id/confirmation`: one line per endpoint. */
export const endpointOf = (method: string, url: string) =>
  `${method} ${url.split('?')[0].replace(/\/[A-Za-z0-9_-]{16,}(?=\/|$)/g, '/:id')}`;

const counts = () => current.getStore() ?? outside;

const originalEmit = Server.prototype.emit as (this: Server, event: string, ...args: unknown[]) => boolean;
Server.prototype.emit = function emit(this: Server, event: string, ...args: unknown[]) {
  if (event !== 'request') return originalEmit.call(this, event, ...args);
  const req = args[0] as { method: string; url: string };
  const label = endpointOf(req.method, req.url);
  let entry = byEndpoint.get(label);
  if (!entry) byEndpoint.set(label, (entry = { requests: 0, sql: 0, redis: 0, redisTrips: 0 }));
  entry.requests += 1;
  return current.run(entry, () => originalEmit.call(this, event, ...args));
} as typeof Server.prototype.emit;

/** The (ioredis pipeline) streams inside a MULTI: its commands are written with its EXEC, one trip. */
const inMulti = new WeakSet<object>();
function roundTrip(command: unknown, stream: unknown): boolean {
  const name = redisName(command);
  if (stream === undefined || typeof stream !== 'object' || stream === null) return true;
  if (name === 'MULTI') inMulti.add(stream);
  else if (name === 'EXEC') inMulti.delete(stream);
  else if (!inMulti.has(stream)) return true;
  return name === 'EXEC';
}

function wrap(
  prototype: Record<string, unknown>,
  method: string,
  kind: 'sql' | 'redis',
  name: (first: unknown) => string,
) {
  const original = prototype[method] as (...args: unknown[]) => unknown;
  prototype[method] = function counted(this: unknown, ...args: unknown[]) {
    const entry = counts();
    entry[kind] += 1;
    if (kind === 'redis' && roundTrip(args[0], args[1])) entry.redisTrips += 1;
    if (DETAIL) {
      const key = `${kind} ${name(args[0])}`;
      entry.detail ??= {};
      entry.detail[key] = (entry.detail[key] ?? 0) + 1;
    }
    return original.apply(this, args);
  };
}

const sqlName = (query: unknown) => {
  const text = typeof query === 'string' ? query : String((query as { text?: string })?.text ?? '?');
  return text.replace(/\s+/g, ' ').trim().slice(0, 90);
};
const redisName = (command: unknown) =>
  String(Array.isArray(command) ? command[0] : ((command as { name?: string })?.name ?? '?')).toUpperCase();

wrap(require('pg').Client.prototype, 'query', 'sql', sqlName);
wrap(require('ioredis').default.prototype, 'sendCommand', 'redis', redisName);
wrap(
  require(join(process.cwd(), 'node_modules/@redis/client/dist/lib/client/index.js')).default.prototype,
  'sendCommand',
  'redis',
  redisName,
);

// pg's pool: a connection asked for while every one is busy and no new one may open waits in its queue.
const PgPool = require('pg-pool') as {
  prototype: { connect: (...args: unknown[]) => unknown; idleCount: number; totalCount: number };
};
const originalConnect = PgPool.prototype.connect;
PgPool.prototype.connect = function connect(this: typeof PgPool.prototype & { options: { max: number } }, ...args) {
  if (this.idleCount === 0 && this.totalCount >= this.options.max) {
    const entry = counts();
    entry.poolWaits = (entry.poolWaits ?? 0) + 1;
  }
  return originalConnect.apply(this, args);
};

// Garbage collections: their pause time, and how many were full (mark-compact) collections.
const gc = { micros: 0, major: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.micros += entry.duration * 1000;
    const { detail } = entry as unknown as { detail?: { kind?: number } };
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major += 1;
  }
}).observe({ entryTypes: ['gc'] });

// BENCH_PROFILE=<dir>: a CPU profile of this process between "profile-start" and "profile-stop"
// (the measured run only, no start-up, no other run's idle time), for bench/profile-top.ts.
const inspector = process.env.BENCH_PROFILE ? new Session() : undefined;
inspector?.connect();
if (process.env.BENCH_PROFILE) mkdirSync(process.env.BENCH_PROFILE, { recursive: true });
let profiles = 0;

process.on('message', async (message: unknown) => {
  if (message === 'profile-start' && inspector) {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
    process.send?.('profiling');
    return;
  }
  if (message === 'profile-stop' && inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    const file = join(process.env.BENCH_PROFILE!, `${process.pid}-${(profiles += 1)}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.send?.('profiled');
    return;
  }
  if (message !== 'io-stats') return;
  const { user, system } = process.cpuUsage();
  process.send?.({
    endpoints: Object.fromEntries(byEndpoint),
    outside,
    cpuMicros: user + system,
    systemMicros: system,
    gcMicros: gc.micros,
    gcMajor: gc.major,
  });
});
