import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AidesModule } from '@relais/aides';
import { AuditModule } from '@relais/audit';
import { AuditCheckpointsModule } from '@relais/audit-checkpoints';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { DelegationModule } from '@relais/delegation';
import { LoggerModule } from '@relais/logger';
import { MandatesModule } from '@relais/mandates';
import { OnboardingModule } from '@relais/onboarding';
import { QueueModule } from '@relais/queue';
import { RetentionModule } from '@relais/retention';
import { ReportsModule } from '@relais/reports';

import { AidesProcessor } from './processors/aides.processor.js';
import { AuditProcessor } from './processors/audit.processor.js';
import { DelegationsProcessor } from './processors/delegations.processor.js';
import { NotificationsProcessor } from './processors/notifications.processor.js';
import { RetentionProcessor } from './processors/retention.processor.js';
import { MandatesProcessor } from './processors/mandates.processor.js';
import { ReportsProcessor } from './processors/reports.processor.js';
import { ExpirySchedules } from './expiry-schedules.js';
import { JobHandlers } from './job-handlers.js';
import { MetricsServer } from './metrics/metrics-server.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { JobSchedules } from './job-schedules.js';

/** The worker: same libraries as the api, BullMQ processors instead of HTTP. */
@Module({
  imports: [
    RelaisConfigModule,
    LoggerModule,
    DatabaseModule,
    QueueModule,
    AuditModule,
    AidesModule,
    DelegationModule,
    AuditCheckpointsModule,
    RetentionModule,
    OnboardingModule,
    MandatesModule,
    DiscoveryModule,
    ReportsModule,
  ],
  providers: [
    AuditProcessor,
    AidesProcessor,
    NotificationsProcessor,
    DelegationsProcessor,
    RetentionProcessor,
    JobSchedules,
    MandatesProcessor,
    ExpirySchedules,
    JobHandlers,
    WorkerMetrics,
    MetricsServer,
    ReportsProcessor,
  ],
})
export class WorkerModule implements OnApplicationShutdown {
  /** Runs after every BullMQ worker closed: the job in progress finished, no new one was taken. */
  onApplicationShutdown(signal?: string): void {
    new Logger('Worker').log({ signal }, 'worker stopped');
  }
}
