import { Module } from '@nestjs/common';
import { AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';

/** What operator commands may use: the domain libraries, no HTTP, no queue consumers. */
@Module({
  imports: [RelaisConfigModule, DatabaseModule, AuditModule],
})
export class CliModule {}
