/**
 * Target: the preview of a 5,000-row aide import (CSV and XLSX) in < 2 s: reading the file,
 * checking every row, looking up who is already a member, storing the preview. The structure
 * already has 1,000 members, 500 of whom are in the file. The confirmation (5,000 invitations in
 * one transaction) is timed too, for information. Own database (relais_bench_import, dropped at the end).
 * Usage: npm run bench:import [rows]
 */
import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditActorType, AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule, dropDatabase } from '@relais/database';
import { AideImportsService, OnboardingModule } from '@relais/onboarding';
import { DataSource } from 'typeorm';
import writeXlsxFile from 'write-excel-file/node';

import { migrate } from '../apps/cli/src/commands/database.command.js';

@Module({ imports: [RelaisConfigModule, DatabaseModule, AuditModule, OnboardingModule] })
class BenchModule {}

const rows = Number(process.argv[2] ?? 5_000);
const TARGET_MS = 2_000;
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = '/relais_bench_import';
process.env.DATABASE_URL = url.toString();
process.env.LOG_LEVEL = 'silent';

/** The file's cells: every 50th row has a bad address, every 10th is an existing member. */
function cells(): string[][] {
  const lines = [['Prénom', 'Nom', 'Adresse électronique', 'Rôle', 'Formé']];
  for (let n = 0; n < rows; n++) {
    const email =
      n % 50 === 49 ? `mauvaise-adresse-${n}` : n % 10 === 0 ? `membre${n}@example.fr` : `aide${n}@example.fr`;
    lines.push([`Prénom${n}`, `Nom${n}`, email, n % 100 === 0 ? 'responsable' : 'aidant', n % 3 ? 'non' : 'oui']);
  }
  return lines;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

await dropDatabase(url.toString());
await migrate(url.toString());
const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
try {
  const db = app.get(DataSource);
  const [structure] = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ('73282932000074', 'France Services', '1 rue de la Paix, 75002 Paris', 'france_services', '{papers}')
     RETURNING id`,
  );
  const [supervisor] = await db.query("INSERT INTO aides (email) VALUES ('responsable@example.fr') RETURNING id");
  await db.query("INSERT INTO memberships (aide_id, structure_id, role) VALUES ($1, $2, 'supervisor')", [
    supervisor.id,
    structure.id,
  ]);
  // 1,000 members already: the ones the file names (every 10th row) and others.
  await db.query(
    `WITH a AS (INSERT INTO aides (email)
                SELECT CASE WHEN n < $1 THEN 'membre' || (n * 10) || '@example.fr' ELSE 'autre' || n || '@example.fr' END
                  FROM generate_series(0, 999) AS n RETURNING id)
     INSERT INTO memberships (aide_id, structure_id, role) SELECT id, $2, 'aide' FROM a`,
    [Math.ceil(rows / 10), structure.id],
  );
  await db.query('ANALYZE');
  const data = cells();
  const csv = Buffer.from(`${data.map((line) => line.join(';')).join('\n')}\n`);
  const xlsx = await writeXlsxFile(data.map((line) => line.map((value) => ({ value })))).toBuffer();
  const imports = app.get(AideImportsService);
  const actor = { type: AuditActorType.Aide as const, id: supervisor.id as string };

  // One warm-up run (module loading, JIT, connection pool), then the measured ones.
  await imports.preview(structure.id, csv, actor);
  const [csvPreview, csvMs] = await timed(() => imports.preview(structure.id, csv, actor));
  const [, xlsxMs] = await timed(() => imports.preview(structure.id, xlsx, actor));
  const { counts } = csvPreview;
  console.log(
    `file:     ${rows} rows (CSV ${(csv.length / 1024).toFixed(0)} kB, XLSX ${(xlsx.length / 1024).toFixed(0)} kB): ${counts.new} new, ${counts.members} members, ${counts.invalid} invalid`,
  );
  console.log(`preview:  CSV ${csvMs.toFixed(0)} ms, XLSX ${xlsxMs.toFixed(0)} ms (target < ${TARGET_MS} ms)`);
  const [result, confirmMs] = await timed(() => imports.confirm(csvPreview.token, actor));
  console.log(
    `confirm:  ${result.invited} invitations in one transaction, ${(confirmMs / 1000).toFixed(1)} s (no target)`,
  );
  if (Math.max(csvMs, xlsxMs) >= TARGET_MS) process.exitCode = 1;
} finally {
  await app.close();
  await dropDatabase(url.toString());
}
