import { Processor } from '@nestjs/bullmq';
import { StructureRequestsService } from '@relais/onboarding';
import { QueueName, RetentionJob } from '@relais/queue';
import { PersonalDataRetention } from '@relais/retention';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Removes personal data past the retention period, and closes abandoned requests to join (daily). */
@Processor(QueueName.Retention, { concurrency: 1 })
export class RetentionProcessor extends JobProcessor<RetentionJob> {
  protected readonly handlers: Record<RetentionJob, JobHandler> = {
    [RetentionJob.RemovePersonalData]: async () => ({
      citizens: await this.retention.removeExpiredPersonalData(),
      structureRequests: await this.retention.removeEndedStructureRequests(),
      abandonedStructureRequestsClosed: await this.structureRequests.closeAbandoned(),
    }),
  };

  constructor(
    private readonly retention: PersonalDataRetention,
    private readonly structureRequests: StructureRequestsService,
  ) {
    super();
  }
}
