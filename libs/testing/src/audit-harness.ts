import { Test } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { DataSource } from 'typeorm';

import {
  AuditAction,
  AuditActorType,
  AuditChainVerifier,
  AuditModule,
  AuditRecorder,
  AuditSealer,
} from '@relais/audit';

/** The audit module on a real database, as a worker or the api would build it. */
export async function auditApp() {
  const moduleRef = await Test.createTestingModule({
    imports: [RelaisConfigModule, DatabaseModule, AuditModule],
  }).compile();
  await moduleRef.init();
  const dataSource = moduleRef.get(DataSource);
  const recorder = moduleRef.get(AuditRecorder);
  const sealer = moduleRef.get(AuditSealer);
  const count = async (table: 'audit_outbox' | 'audit_journal') =>
    (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
  return {
    dataSource,
    recorder,
    sealer,
    verifier: moduleRef.get(AuditChainVerifier),
    /** Records `count` events in one committed transaction. */
    record: (count = 1, details: Record<string, unknown> = {}) =>
      dataSource.transaction(async (manager) => {
        for (let i = 0; i < count; i++) {
          await recorder.record(manager, {
            action: AuditAction.DemoDataSeeded,
            actor: { type: AuditActorType.System },
            details: { ...details, i },
          });
        }
      }),
    /**
     * Seals until the outbox is empty. Sealing waits for every writing transaction of the
     * PostgreSQL cluster older than the event, including other test suites' ones: hence a loop.
     */
    drain: async () => {
      let sealed = 0;
      const deadline = Date.now() + 15_000;
      while ((await count('audit_outbox')) > 0) {
        if (Date.now() > deadline) throw new Error('the outbox did not drain');
        sealed += await sealer.sealPending();
      }
      return sealed;
    },
    count,
    close: () => moduleRef.close(),
  };
}

export type AuditApp = Awaited<ReturnType<typeof auditApp>>;
