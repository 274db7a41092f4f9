import { Test } from '@nestjs/testing';
import { AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { KeyStore } from '@relais/signing';

import { AuditCheckpointsModule } from '../src/audit-checkpoints.module.js';
import { AuditCheckpointer } from '../src/services/audit-checkpointer.service.js';
import { JournalVerifier } from '../src/services/journal-verifier.service.js';
import { auditApp } from '@relais/testing';

/** The audit module and the checkpoint library on a real database, as the worker builds them. */
export async function checkpointsApp() {
  const audit = await auditApp();
  const moduleRef = await Test.createTestingModule({
    imports: [RelaisConfigModule, DatabaseModule, AuditModule, AuditCheckpointsModule],
  }).compile();
  await moduleRef.init();
  return {
    ...audit,
    checkpointer: moduleRef.get(AuditCheckpointer),
    journal: moduleRef.get(JournalVerifier),
    keys: moduleRef.get(KeyStore),
    /** Runs a statement as a superuser who turned the journal's triggers off. */
    bypassTriggers: async (...statements: string[]) => {
      const runner = audit.dataSource.createQueryRunner();
      try {
        await runner.query("SET session_replication_role = 'replica'");
        for (const sql of statements) await runner.query(sql);
      } finally {
        await runner.query("SET session_replication_role = 'origin'");
        await runner.release();
      }
    },
    close: async () => {
      await moduleRef.close();
      await audit.close();
    },
  };
}

export type CheckpointsApp = Awaited<ReturnType<typeof checkpointsApp>>;
