import { Module } from '@nestjs/common';
import { AuditModule } from '@relais/audit';

import { PersonalDataRetention } from './services/personal-data-retention.service.js';

/** Retention of personal data; the app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [AuditModule],
  providers: [PersonalDataRetention],
  exports: [PersonalDataRetention],
})
export class RetentionModule {}
