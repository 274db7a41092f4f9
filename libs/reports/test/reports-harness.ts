import { PassThrough } from 'node:stream';

import { Test } from '@nestjs/testing';
import { AuditAction, AuditActorType, AuditRecorder, AuditSealer } from '@relais/audit';
import { AuditCheckpointer, AuditCheckpointsModule } from '@relais/audit-checkpoints';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { insertMandateOwners } from '@relais/testing';
import { DataSource } from 'typeorm';

import { ReportsModule } from '../src/index.js';

/** Two structures, their aides and a citizen of the first, with journal entries interleaved. */
export async function reportsApp() {
  // A checkpoint every 4 entries, so exports hang between signed checkpoints.
  process.env.AUDIT_CHECKPOINT_EVERY_ENTRIES = '4';
  const moduleRef = await Test.createTestingModule({
    imports: [RelaisConfigModule, DatabaseModule, ReportsModule, AuditCheckpointsModule],
  }).compile();
  await moduleRef.init();
  const db = moduleRef.get(DataSource);
  const recorder = moduleRef.get(AuditRecorder);
  const a = await insertMandateOwners(db);
  const b = await insertMandateOwners(db);
  const colleague = (
    await db.query(
      `INSERT INTO aides (email, given_name, family_name) VALUES ('collegue@example.fr', 'Karim', 'Benaïssa') RETURNING id`,
    )
  )[0].id as string;
  await db.query(`UPDATE aides SET given_name = 'Lucie', family_name = 'Martin' WHERE id = $1`, [a.aideId]);
  await db.query(
    `INSERT INTO memberships (aide_id, structure_id, role) VALUES ($1, $3, 'supervisor'), ($2, $3, 'aide'), ($4, $5, 'supervisor')`,
    [a.aideId, colleague, a.structureId, b.aideId, b.structureId],
  );
  const mandateId = (
    await db.query(
      `INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at, starts_at,
                             expires_at, consent_text_version, consent_evidence, seal)
       VALUES ($1, $2, $3, '{papers,money}', 'six_months', 'same_device', 'active', now(), now(), now() + interval '6 months',
               '2026-01', '{}'::jsonb, 'test-seal') RETURNING id`,
      [a.structureId, a.aideId, a.citizenId],
    )
  )[0].id as string;

  /** Records one event per item, in order, each in its own committed transaction. */
  const record = async (
    events: { structureId: string; aideId: string; action?: AuditAction; area?: string; citizen?: boolean }[],
  ) => {
    for (const event of events) {
      await db.transaction((manager) =>
        recorder.record(manager, {
          action: event.action ?? AuditAction.DelegatedLogin,
          actor: { type: AuditActorType.Aide, id: event.aideId },
          structureId: event.structureId,
          citizenId: event.citizen ? a.citizenId : null,
          mandateId: event.citizen ? mandateId : null,
          details: event.area ? { area: event.area, publicService: 'impots' } : {},
        }),
      );
    }
  };
  const seal = async () => {
    const deadline = Date.now() + 15_000;
    while ((await db.query('SELECT count(*)::int AS n FROM audit_outbox'))[0].n > 0) {
      if (Date.now() > deadline) throw new Error('the outbox did not drain');
      await moduleRef.get(AuditSealer).sealPending();
    }
    await moduleRef.get(AuditCheckpointer).checkpointDue();
  };
  return { moduleRef, db, a, b, colleague, mandateId, record, seal, close: () => moduleRef.close() };
}

/** A stream that keeps what is written to it. */
export function memoryTarget() {
  const target = new PassThrough();
  const chunks: Buffer[] = [];
  target.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { target, bytes: () => Buffer.concat(chunks) };
}

/** Today and tomorrow in Paris (YYYY-MM-DD): a period that holds what the test just recorded. */
export function aroundToday() {
  const day = (date: Date) => date.toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  return { from: day(new Date(Date.now() - 86_400_000)), to: day(new Date(Date.now() + 86_400_000)) };
}
