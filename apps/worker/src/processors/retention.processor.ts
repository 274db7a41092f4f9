import { Processor } from '@nestjs/bullmq';
import { QueueName, RetentionJob } from '@relais/queue';
import { PersonalDataRetention } from '@relais/retention';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Removes personal data past the retention period (daily). */
@Processor(QueueName.Retention, { concurrency: 1 })
export class RetentionProcessor extends JobProcessor<RetentionJob> {
  protected readonly handlers: Record<RetentionJob, JobHandler> = {
    [RetentionJob.RemovePersonalData]: async () => ({
      citizens: await this.retention.removeExpiredPersonalData(),
      structureRequests: await this.retention.removeEndedStructureRequests(),
    }),
  };

  constructor(private readonly retention: PersonalDataRetention) {
    super();
  }
}
