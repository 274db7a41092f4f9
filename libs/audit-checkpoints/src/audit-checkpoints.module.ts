import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';
import { SigningModule } from '@relais/signing';

import { AuditCheckpoint } from './entities/audit-checkpoint.entity.js';
import { AuditCheckpointer } from './services/audit-checkpointer.service.js';
import { JournalVerifier } from './services/journal-verifier.service.js';

/** Signed checkpoints of the audit journal; the app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditCheckpoint]), AuditModule, SigningModule],
  providers: [AuditCheckpointer, JournalVerifier],
  exports: [AuditCheckpointer, JournalVerifier],
})
export class AuditCheckpointsModule {}
