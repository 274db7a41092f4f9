/**
 * Expiry target: 1,000,000 active mandates ending in the same minute are all `expired`, with
 * their audit events sealed, in < 60 s on 2 cores. Writes the mandates with COPY, starts the
 * compiled worker (npm run build first, as the script does), and reports the time and the
 * worker's peak memory. Own database (relais_bench_expiry_<pid>) and Redis prefix, removed at the end.
 * Usage: npm run bench:expiry [mandates]; BENCH_PROFILE=<dir> writes the worker's CPU profile there
 * (`node dist/bench/profile-top.js <file>` lists its top frames).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { dropDatabase } from '@relais/database';
import { redisKeyPatterns } from '@relais/redis';
import { Redis } from 'ioredis';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { migrate } from '../apps/cli/src/commands/database.command.js';

const mandates = Number(process.argv[2] ?? 1_000_000);
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = `/relais_bench_expiry_${process.pid}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `relais-bench-expiry-${process.pid}`;

/** The worker's peak resident memory (VmHWM), in MiB. */
function peakMemoryMib(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('VmHWM:'));
  return line ? Math.round(Number(line.replace(/\D/g, '')) / 1024) : NaN;
}

/** Rows for COPY: every mandate ended within the minute before `now`. */
function* rows(owners: { structure: string; aide: string; citizen: string }, now: number) {
  const day = new Date(now - 86_400_000).toISOString();
  for (let n = 0; n < mandates; n++) {
    const end = new Date(now - 1000 - (n % 59_000)).toISOString();
    yield `${owners.structure}\t${owners.aide}\t${owners.citizen}\t{papers}\tone_day\tsame_device\tactive\t${day}\t${day}\t${end}\t2026-01\t{}\tbench-seal\n`;
  }
}

await dropDatabase(url.toString());
await migrate(url.toString());
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
try {
  const [structure] = (
    await db.query(
      `INSERT INTO structures (siret, name, address, type, areas)
       VALUES ('73282932000074', 'France Services', '1 rue de la Paix', 'france_services', '{papers}') RETURNING id`,
    )
  ).rows;
  const [aide] = (await db.query("INSERT INTO aides (email) VALUES ('aide@example.fr') RETURNING id")).rows;
  const [citizen] = (
    await db.query(
      `INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, email, search_name)
       VALUES ('bench', 'Angela', 'Dubois', '1962-08-24', 'female', 'angela@example.fr', 'angela dubois') RETURNING id`,
    )
  ).rows;
  const copyStart = performance.now();
  await pipeline(
    Readable.from(rows({ structure: structure.id, aide: aide.id, citizen: citizen.id }, Date.now())),
    db.query(
      copyFrom(
        `COPY mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at, starts_at,
                        expires_at, consent_text_version, consent_evidence, seal) FROM STDIN`,
      ),
    ),
  );
  await db.query('ANALYZE mandates');
  console.log(
    `copied:        ${mandates} active mandates ended in the same minute (${((performance.now() - copyStart) / 1000).toFixed(1)} s)`,
  );

  const start = performance.now();
  const profile = process.env.BENCH_PROFILE;
  if (profile) mkdirSync(profile, { recursive: true });
  // Next to this script, so a copy of dist/ (to compare two builds in one session) runs its own worker.
  const compiled = (path: string) => fileURLToPath(new URL(path, import.meta.url));
  const worker = spawn(
    process.execPath,
    [...(profile ? ['--import', compiled('./cpu-profile.js')] : []), compiled('../apps/worker/src/main.js')],
    {
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        AUDIT_SEAL_BATCH_SIZE: '50000',
        AUDIT_SEAL_INTERVAL_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let expiredAt = 0;
  let peak = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    peak = Math.max(peak, peakMemoryMib(worker.pid!));
    const { rows: counts } = await db.query(
      `SELECT (SELECT count(*) FROM mandates WHERE status = 'active')::int AS active,
              (SELECT count(*) FROM audit_outbox)::int AS pending`,
    );
    if (!expiredAt && counts[0].active === 0) expiredAt = performance.now();
    if (expiredAt && counts[0].pending === 0) break;
  }
  const sealedAt = performance.now();
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  await exited;
  const { rows: journal } = await db.query(
    "SELECT count(*)::int AS n FROM audit_journal WHERE action = 'mandate.expired'",
  );
  console.log(`expired:       all ${mandates} after ${((expiredAt - start) / 1000).toFixed(1)} s`);
  console.log(
    `sealed:        ${journal[0].n} mandate.expired events after ${((sealedAt - start) / 1000).toFixed(1)} s (target < 60 s)`,
  );
  console.log(`worker memory: ${peak} MiB peak resident`);
} finally {
  await db.end();
  await dropDatabase(url.toString());
  const redis = new Redis(redisUrl);
  for (const pattern of redisKeyPatterns(prefix)) {
    const keys = await redis.keys(pattern);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
}
