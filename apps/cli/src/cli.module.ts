import { Module } from '@nestjs/common';
import { AidesModule } from '@relais/aides';
import { AuditModule } from '@relais/audit';
import { AuditCheckpointsModule } from '@relais/audit-checkpoints';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { ProviderKeys } from '@relais/delegation';
import { MandatesModule } from '@relais/mandates';
import { PlacesModule } from '@relais/places';
import { PublicServicesModule } from '@relais/public-services';
import { ReportsModule } from '@relais/reports';
import { SigningModule } from '@relais/signing';
import { StructuresModule } from '@relais/structures';

/** What operator commands may use: the domain libraries, no HTTP, no queue consumers. */
@Module({
  imports: [
    RelaisConfigModule,
    DatabaseModule,
    AuditModule,
    AuditCheckpointsModule,
    StructuresModule,
    AidesModule,
    SigningModule,
    MandatesModule,
    PublicServicesModule,
    PlacesModule,
    ReportsModule,
  ],
  // The OpenID provider's keys, without the provider itself (no HTTP, no Redis).
  providers: [ProviderKeys],
})
export class CliModule {}
