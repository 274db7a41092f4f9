/**
 * Target: the delegated login's citizen picker with 1,000,000 mandates across 10,000 structures,
 * p95 < 5 ms. Uses its own database (relais_bench_picker, dropped at the end).
 * Usage: npm run bench:picker [mandates] [structures]
 */
import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule, dropDatabase } from '@relais/database';
import { CitizenPicker } from '@relais/delegation';
import { Citizen, Mandate, MandateProcedure } from '@relais/mandates';
import type { PublicService } from '@relais/public-services';
import { Structure } from '@relais/structures';
import { SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';

import { migrate } from '../apps/cli/src/commands/database.command.js';

@Module({
  imports: [
    RelaisConfigModule,
    DatabaseModule,
    AuditModule,
    TypeOrmModule.forFeature([Structure, Citizen, Mandate, MandateProcedure]),
  ],
})
class BenchModule {}

const mandates = Number(process.argv[2] ?? 1_000_000);
const structures = Number(process.argv[3] ?? 10_000);
const QUERIES = 2_000;
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = '/relais_bench_picker';
process.env.DATABASE_URL = url.toString();
process.env.LOG_LEVEL = 'silent';

await dropDatabase(url.toString());
await migrate(url.toString());
const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
try {
  const db = app.get(DataSource);
  const chunks = 20;
  const bar = new SingleBar({ format: 'seeding   {bar} {value}/{total} mandates' });
  bar.start(mandates, 0);
  await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     SELECT lpad(n::text, 14, '0'), 'Structure ' || n, '1 rue de la Paix', 'france_services',
            '{papers,family,social,work,housing,transport,money,justice,foreigners,leisure}'
       FROM generate_series(1, $1) n`,
    [structures],
  );
  await db.query(
    `INSERT INTO aides (email, given_name, family_name)
     SELECT 'aide' || n || '@bench.example', 'Aide', 'N' || n FROM generate_series(1, $1) n`,
    [structures],
  );
  for (let chunk = 0; chunk < chunks; chunk++) {
    const from = Math.floor((mandates * chunk) / chunks) + 1;
    const to = Math.floor((mandates * (chunk + 1)) / chunks);
    // Mandate n belongs to structure n % structures; one citizen per mandate; papers and money.
    await db.query(
      `WITH s AS (SELECT id, row_number() OVER (ORDER BY siret) - 1 AS k FROM structures),
            a AS (SELECT id, row_number() OVER (ORDER BY email) - 1 AS k FROM aides),
            c AS (
              INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, search_name)
              SELECT 'sub-' || n, 'Prénom' || n, 'Nom' || n, '1970-01-01', 'female', 'prenom' || n || ' nom' || n
                FROM generate_series($1::int, $2::int) n
              RETURNING id, substring(france_connect_sub FROM 5)::int AS n),
            m AS (
              INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at,
                                    starts_at, expires_at, consent_text_version, consent_evidence, seal)
              SELECT s.id, a.id, c.id, '{papers,money}', 'six_months', 'same_device', 'active', now(),
                     now() - interval '1 day', now() + interval '180 days', '2026-11-v1', '{}', 'bench'
                FROM c JOIN s ON s.k = c.n % $3 JOIN a ON a.k = c.n % $3
              RETURNING id, structure_id, citizen_id)
       INSERT INTO mandate_procedures (mandate_id, structure_id, citizen_id, area)
       SELECT m.id, m.structure_id, m.citizen_id, area FROM m CROSS JOIN unnest('{papers,money}'::text[]) area`,
      [from, to, structures],
    );
    bar.update(to);
  }
  bar.stop();
  await db.query('ANALYZE');

  const delegations = new CitizenPicker(db);
  const structureIds: string[] = (await db.query('SELECT id FROM structures')).map((row: { id: string }) => row.id);
  const service = { areas: ['papers', 'money'], active: true } as PublicService;
  const pick = (index: number) => ({ aideId: '', structureId: structureIds[(index * 7919) % structureIds.length] });
  for (let i = 0; i < 100; i++) await delegations.candidates(pick(i), service); // warm-up
  const timings: number[] = [];
  let found = 0;
  for (let i = 0; i < QUERIES; i++) {
    const start = performance.now();
    found += (await delegations.candidates(pick(i), service)).length;
    timings.push(performance.now() - start);
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))].toFixed(2);
  console.log(`mandates:      ${mandates} across ${structures} structures`);
  console.log(`picker query:  ${QUERIES} queries, ${(found / QUERIES).toFixed(0)} citizens each on average`);
  console.log(`latency:       p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms (target p95 < 5 ms)`);
} finally {
  await app.close();
  await dropDatabase(url.toString());
}
