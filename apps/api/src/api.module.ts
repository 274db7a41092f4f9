import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AidesModule } from '@relais/aides';
import { AuditModule } from '@relais/audit';
import { AuditCheckpointsModule } from '@relais/audit-checkpoints';
import { AuthModule } from '@relais/auth';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { AllExceptionsFilter } from '@relais/exceptions';
import { HealthModule } from '@relais/health';
import { DelegationModule } from '@relais/delegation';
import { FranceConnectModule } from '@relais/france-connect';
import { LoggerModule } from '@relais/logger';
import { MandatesModule } from '@relais/mandates';
import { PlacesModule } from '@relais/places';
import { PortalModule } from '@relais/portal';
import { PublicServicesModule } from '@relais/public-services';
import { QueueModule } from '@relais/queue';
import { StatisticsModule } from '@relais/statistics';
import { OnboardingModule } from '@relais/onboarding';
import { StructuresModule } from '@relais/structures';
import { ReportsModule } from '@relais/reports';

import { CheckpointsController } from './audit/checkpoints.controller.js';
import { InvitationController } from './console/invitation.controller.js';
import { LoginController } from './console/login.controller.js';
import { SpaceController } from './console/space.controller.js';
import { SupervisorController } from './console/supervisor.controller.js';
import { DelegationController } from './delegation/delegation.controller.js';
import { HomeController } from './home/home.controller.js';
import { PublicServicesController } from './operator/public-services.controller.js';
import { ConsentTranslationsController } from './operator/consent-translations.controller.js';
import { ConsentController } from './mandates/consent.controller.js';
import { MandateCreationController } from './mandates/mandate-creation.controller.js';
import { MandatesController } from './mandates/mandates.controller.js';
import { VerificationController } from './mandates/verification.controller.js';
import { PlacesController } from './places/places.controller.js';
import { CitizenGuard } from './portal/citizen-session.js';
import { PortalLoginController } from './portal/portal-login.controller.js';
import { PortalController } from './portal/portal.controller.js';
import { StatisticsController } from './statistics/statistics.controller.js';
import { AideImportController } from './console/aide-import.controller.js';
import { JoinController } from './onboarding/join.controller.js';
import { OperatorAideImportController } from './operator/aide-import.controller.js';
import { StructureRequestsController } from './operator/structure-requests.controller.js';
import { QueueBoardModule } from './operator/queue-board.module.js';
import { OperatorReportsController } from './reports/operator-reports.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import { ReportVerificationController } from './reports/report-verification.controller.js';

@Module({
  imports: [
    RelaisConfigModule,
    LoggerModule,
    DatabaseModule,
    QueueModule,
    AuditModule,
    HealthModule,
    AidesModule,
    AuthModule,
    FranceConnectModule,
    MandatesModule,
    PublicServicesModule,
    DelegationModule,
    StatisticsModule,
    PlacesModule,
    AuditCheckpointsModule,
    PortalModule,
    StructuresModule,
    OnboardingModule,
    QueueBoardModule,
    ReportsModule,
  ],
  controllers: [
    HomeController,
    LoginController,
    InvitationController,
    SpaceController,
    SupervisorController,
    MandateCreationController,
    MandatesController,
    ConsentController,
    // Before VerificationController: its GET verify/:code would take /verify/rapport.
    ReportVerificationController,
    VerificationController,
    DelegationController,
    PublicServicesController,
    StatisticsController,
    PlacesController,
    CheckpointsController,
    PortalLoginController,
    PortalController,
    ConsentTranslationsController,
    JoinController,
    StructureRequestsController,
    AideImportController,
    OperatorAideImportController,
    ReportsController,
    OperatorReportsController,
  ],
  providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, CitizenGuard],
})
export class ApiModule {}
