import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditJournalEntry } from './entities/audit-journal-entry.entity.js';
import { AuditOutboxEntry } from './entities/audit-outbox-entry.entity.js';
import { AuditChainVerifier } from './services/audit-chain-verifier.service.js';
import { AuditRecorder } from './services/audit-recorder.service.js';
import { AuditSealer } from './services/audit-sealer.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditOutboxEntry, AuditJournalEntry])],
  providers: [AuditRecorder, AuditSealer, AuditChainVerifier],
  exports: [AuditRecorder, AuditSealer, AuditChainVerifier],
})
export class AuditModule {}
