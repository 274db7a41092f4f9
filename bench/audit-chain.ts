/**
 * Audit targets: sealing >= 5,000 events/s sustained, chain verification >= 200,000 entries/s.
 * Uses its own database (relais_bench_audit_<pid>, dropped at the end). Usage: npm run bench:audit [events]
 */
import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { AuditChainVerifier, AuditModule, AuditSealer } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule, dropDatabase } from '@relais/database';
import { Module } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';

import { migrate } from '../apps/cli/src/commands/database.command.js';

@Module({ imports: [RelaisConfigModule, DatabaseModule, AuditModule] })
class BenchModule {}

const events = Number(process.argv[2] ?? 200_000);
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = `/relais_bench_audit_${process.pid}`;
process.env.DATABASE_URL = url.toString();
process.env.LOG_LEVEL = 'silent';

await dropDatabase(url.toString());
await migrate(url.toString());
const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
try {
  const db = app.get(DataSource);
  await db.query(
    `INSERT INTO audit_outbox (occurred_at, actor_type, actor_id, structure_id, action, details)
     SELECT now(), 'aide', 'aide-' || (n % 500), gen_random_uuid(), 'mandate.created',
            jsonb_build_object('areas', jsonb_build_array('papers', 'money'), 'n', n)
       FROM generate_series(1, $1) n`,
    [events],
  );

  const sealer = app.get(AuditSealer);
  const bar = new SingleBar({ format: 'sealing   {bar} {value}/{total}' });
  bar.start(events, 0);
  let sealed = 0;
  const sealStart = performance.now();
  while (sealed < events) {
    sealed += (await sealer.sealBatch(5000)) ?? 0;
    bar.update(sealed);
  }
  const sealSeconds = (performance.now() - sealStart) / 1000;
  bar.stop();

  const verifier = app.get(AuditChainVerifier);
  const verifyStart = performance.now();
  const verifyCpu = process.cpuUsage();
  const result = await verifier.verify();
  const verifySeconds = (performance.now() - verifyStart) / 1000;
  // CPU time of this process only (PostgreSQL's share is not in it): steadier than wall time on a loaded machine.
  const { user, system } = process.cpuUsage(verifyCpu);
  if (!result.ok) throw new Error('chain verification failed');

  console.log(`events:        ${events}`);
  console.log(
    `sealing:       ${Math.round(events / sealSeconds)} events/s (${sealSeconds.toFixed(2)} s; target >= 5000)`,
  );
  console.log(
    `verification:  ${Math.round(events / verifySeconds)} entries/s (${verifySeconds.toFixed(2)} s; target >= 200000)`,
  );
  console.log(`               ${Math.round(events / ((user + system) / 1e6))} entries per CPU-second of the verifier`);
} finally {
  await app.close();
  await dropDatabase(url.toString());
}
