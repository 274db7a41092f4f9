/**
 * Report targets: a PDF of 100,000 entries in < 30 s and < 300 MB peak RSS, a CSV of 1,000,000
 * entries in < 15 s. Uses its own database (relais_bench_reports, dropped at the end); the journal
 * is written directly with real hashes (sealing a million events is the audit bench's business).
 * Usage: npm run bench:reports [csvEntries] [pdfEntries]
 */
import 'reflect-metadata';

import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditModule, entryHash, GENESIS_HASH } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule, dropDatabase } from '@relais/database';
import { ReportFormat, ReportScope, ReportsModule, ReportVerifier, ReportWriter } from '@relais/reports';
import { DataSource } from 'typeorm';

import { migrate } from '../apps/cli/src/commands/database.command.js';

@Module({ imports: [RelaisConfigModule, DatabaseModule, AuditModule, ReportsModule] })
class BenchModule {}

const csvEntries = Number(process.argv[2] ?? 1_000_000);
const pdfEntries = Number(process.argv[3] ?? 100_000);
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = '/relais_bench_reports';
process.env.DATABASE_URL = url.toString();
process.env.LOG_LEVEL = 'silent';

let sirets = 0;
/** A SIRET passing the Luhn check, different at each call. */
function benchSiret(): string {
  const base = `9999999${String(sirets++).padStart(6, '0')}`;
  for (let check = 0; ; check++) {
    const candidate = `${base}${check}`;
    const sum = [...candidate].reverse().reduce((total, char, index) => {
      const digit = Number(char) * (index % 2 ? 2 : 1);
      return total + (digit > 9 ? digit - 9 : digit);
    }, 0);
    if (sum % 10 === 0) return candidate;
  }
}

/** Peak resident set size of this process so far (Linux VmHWM), in MB. */
function peakRssMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

/**
 * Child mode: one export (or one verification) in a fresh process, so its peak RSS is its own,
 * not the seeding's. Prints one JSON line: wall and CPU seconds, peak RSS, entries, bytes.
 */
if (process.argv[2] === 'export' || process.argv[2] === 'verify') {
  const [, , mode, format, target, file, signature] = process.argv;
  const child = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  try {
    const idleMb = peakRssMb();
    const peaks = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
    const sample = () => {
      const now = process.memoryUsage();
      for (const key of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[key] = Math.max(peaks[key], now[key]);
      if (process.env.BENCH_TRACE)
        console.error(
          JSON.stringify(Object.fromEntries(Object.entries(now).map(([k, v]) => [k, Math.round(v / 1048576)]))),
        );
    };
    const sampler = setInterval(sample, 100);
    const cpu = process.cpuUsage();
    const start = performance.now();
    let entries: number;
    let signed = '';
    if (mode === 'export') {
      const day = (offset: number) =>
        new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
      const scoped = await child
        .get(ReportScope)
        .resolve({ type: 'operator', aideId: null }, { siret: target, from: day(-1), to: day(1) });
      const written = await child.get(ReportWriter).write(
        {
          ...scoped,
          format: format as ReportFormat,
          fileName: file,
          generatedBy: { type: 'operator', id: null, name: 'bench' },
        },
        createWriteStream(file),
      );
      entries = written.manifest.count;
      signed = written.signature;
    } else {
      const result = await child.get(ReportVerifier).verify(createReadStream(file), readFileSync(signature, 'utf8'));
      if (!result.genuine || !result.complete) throw new Error('the export does not verify');
      entries = result.entries;
    }
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    sample();
    console.log(
      JSON.stringify({
        seconds: (performance.now() - start) / 1000,
        cpuSeconds: (used.user + used.system) / 1e6,
        peakMb: peakRssMb(),
        idleMb,
        peaks: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1048576)])),
        entries,
        bytes: statSync(file).size,
        signature: signed,
      }),
    );
  } finally {
    await child.close();
  }
  process.exit(0);
}

interface Measure {
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  idleMb: number;
  peaks: Record<string, number>;
  entries: number;
  bytes: number;
  signature: string;
}

function inChild(...args: string[]): Measure {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    env: process.env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`${args[0]} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Measure;
}

await dropDatabase(url.toString());
await migrate(url.toString());
const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
const dir = mkdtempSync(join(tmpdir(), 'relais-bench-reports-'));
try {
  const db = app.get(DataSource);
  const structure = async (name: string) => {
    const siret = benchSiret();
    const [row] = await db.query(
      `INSERT INTO structures (siret, name, address, type, areas)
       VALUES ($1, $2, '12 rue de Belleville, 75020 Paris', 'france_services', '{papers,money}') RETURNING id`,
      [siret, name],
    );
    const aides = await db.query(
      `INSERT INTO aides (email, given_name, family_name)
       SELECT 'aide-' || $1 || '-' || n || '@example.fr', 'Prénom' || n, 'Nom' || n FROM generate_series(1, 20) n RETURNING id`,
      [siret],
    );
    return { id: row.id as string, siret, aides: aides.map((aide: { id: string }) => aide.id) as string[] };
  };
  // The CSV structure has csvEntries entries; the PDF one pdfEntries, interleaved (range rows between).
  const big = await structure('France Services Grand Export');
  const small = await structure('Mairie Petit Export');
  const total = csvEntries + pdfEntries;
  const every = Math.max(1, Math.floor(total / pdfEntries));
  let prevHash = GENESIS_HASH;
  let seq = 0;
  let placed = 0;
  const occurredAt = new Date(Date.now() - 3600_000).toISOString();
  const seedStart = performance.now();
  for (let from = 0; from < total; from += 10_000) {
    const batch = [] as unknown[][];
    for (let i = from; i < Math.min(total, from + 10_000); i++) {
      const toSmall = placed < pdfEntries && (i % every === 0 || total - i <= pdfEntries - placed);
      if (toSmall) placed++;
      const owner = toSmall ? small : big;
      const entry = {
        seq: String(++seq),
        eventId: String(seq),
        occurredAt,
        actorType: 'aide',
        actorId: owner.aides[i % 20],
        structureId: owner.id,
        citizenId: null,
        mandateId: null,
        action: i % 3 === 0 ? 'mandate.consented' : 'delegation.logged_in',
        details: { area: i % 2 ? 'papers' : 'money', publicService: 'impots' },
        prevHash,
      };
      const hash = entryHash(entry);
      batch.push([
        entry.seq,
        entry.actorId,
        entry.structureId,
        entry.action,
        JSON.stringify(entry.details),
        prevHash,
        hash,
      ]);
      prevHash = hash;
    }
    await db.query(
      `INSERT INTO audit_journal (seq, event_id, occurred_at, actor_type, actor_id, structure_id, action, details, prev_hash, hash)
       SELECT s, s, $1, 'aide', a, st, ac, d::jsonb, p, h
         FROM unnest($2::bigint[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(s, a, st, ac, d, p, h)`,
      [occurredAt, ...[0, 1, 2, 3, 4, 5, 6].map((column) => batch.map((row) => row[column]))],
    );
  }
  await db.query('ANALYZE audit_journal');
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const load = loadavg()[0].toFixed(2);
  const pdfFile = join(dir, 'small.pdf');
  const csvFile = join(dir, 'big.csv');
  if (process.env.BENCH_KEEP_DB) console.log(`kept: ${small.siret} ${big.siret}`);
  const pdf = inChild('export', ReportFormat.Pdf, small.siret, pdfFile);
  const csv = inChild('export', ReportFormat.Csv, big.siret, csvFile);
  writeFileSync(`${csvFile}.jws`, csv.signature);
  const check = inChild('verify', '', '', csvFile, `${csvFile}.jws`);
  const line = (what: string, m: Measure, target: string) =>
    console.log(
      `${what.padEnd(14)} ${m.entries} entries in ${m.seconds.toFixed(2)} s (CPU ${m.cpuSeconds.toFixed(2)} s), ` +
        `peak RSS ${Math.round(m.peakMb)} MB (${Math.round(m.idleMb)} MB before it started), ` +
        `${(m.bytes / 1024 / 1024).toFixed(1)} MB${target}; peaks ${JSON.stringify(m.peaks)}`,
    );

  console.log(
    `journal:       ${total} entries seeded in ${seedSeconds.toFixed(1)} s; load average ${load} before the runs`,
  );
  line('PDF:', pdf, ' (targets < 30 s, < 300 MB)');
  line('CSV:', csv, ' (target < 15 s)');
  line('CSV verify:', check, '');
  console.log(`load average after: ${loadavg()[0].toFixed(2)} (each run in a fresh process)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await app.close();
  if (!process.env.BENCH_KEEP_DB) await dropDatabase(url.toString());
}
