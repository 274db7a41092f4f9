import { Module } from '@nestjs/common';
import { AuditModule } from '@relais/audit';
import { DelegationModule } from '@relais/delegation';
import { MandatesModule } from '@relais/mandates';

import { CitizenRevocationNotices } from './services/citizen-revocation-notices.service.js';
import { CitizenRevocation } from './services/citizen-revocation.service.js';
import { CitizenSubject } from './services/citizen-subject.service.js';
import { MandateUses } from './services/mandate-uses.service.js';
import { MyMandates } from './services/my-mandates.service.js';
import { PortalLogin } from './services/portal-login.service.js';

const services = [CitizenSubject, PortalLogin, MyMandates, MandateUses, CitizenRevocation, CitizenRevocationNotices];

/** The citizen portal's domain: the citizen session subject, "my mandates", their uses, stopping them. */
@Module({
  imports: [AuditModule, MandatesModule, DelegationModule],
  providers: services,
  exports: services,
})
export class PortalModule {}
