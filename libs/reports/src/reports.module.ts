import { Module } from '@nestjs/common';
import { AuditModule } from '@relais/audit';
import { QueueModule } from '@relais/queue';
import { SigningModule } from '@relais/signing';
import { StructuresModule } from '@relais/structures';

import { ReportEntries } from './services/report-entries.service.js';
import { ReportExports } from './services/report-exports.service.js';
import { ReportScope } from './services/report-scope.service.js';
import { ReportVerifier } from './services/report-verifier.service.js';
import { ReportWriter } from './services/report-writer.service.js';

/** Audit reports: scope, export jobs, CSV and PDF writers, verification. The app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [AuditModule, SigningModule, StructuresModule, QueueModule],
  providers: [ReportEntries, ReportScope, ReportWriter, ReportExports, ReportVerifier],
  exports: [ReportEntries, ReportScope, ReportWriter, ReportExports, ReportVerifier],
})
export class ReportsModule {}
