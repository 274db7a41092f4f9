import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';
import { QueueModule } from '@relais/queue';
import { SigningModule } from '@relais/signing';

import { Attestation } from './entities/attestation.entity.js';
import { Citizen } from './entities/citizen.entity.js';
import { ConsentTranslation } from './entities/consent-translation.entity.js';
import { MandateProcedure } from './entities/mandate-procedure.entity.js';
import { Mandate } from './entities/mandate.entity.js';
import { AttestationsService } from './services/attestations.service.js';
import { AreaReplacement } from './services/area-replacement.service.js';
import { ConsentService } from './services/consent.service.js';
import { ConsentTranslations } from './services/consent-translations.service.js';
import { MandateQueries } from './services/mandate-queries.service.js';
import { MandateRequests } from './services/mandate-requests.service.js';
import { ExpiryScheduler } from './services/expiry-scheduler.service.js';
import { MandateExpiry } from './services/mandate-expiry.service.js';
import { RevocationNotices } from './services/revocation-notices.service.js';
import { RevocationService } from './services/revocation.service.js';
import { CitizenNotices } from './services/citizen-notices.service.js';

const services = [
  MandateRequests,
  ConsentService,
  AreaReplacement,
  RevocationService,
  MandateQueries,
  AttestationsService,
  MandateExpiry,
  ExpiryScheduler,
  RevocationNotices,
  CitizenNotices,
  ConsentTranslations,
];

/** Mandates: requests, consent, sealing, attestations, revocation, expiry; the app also imports config and database. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Citizen, Mandate, MandateProcedure, Attestation, ConsentTranslation]),
    AuditModule,
    SigningModule,
    QueueModule,
  ],
  providers: services,
  exports: [...services, SigningModule],
})
export class MandatesModule {}
