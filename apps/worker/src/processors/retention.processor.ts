import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QueueName, RetentionJob } from '@relais/queue';
import { PersonalDataRetention } from '@relais/retention';
import type { Job } from 'bullmq';

/** Removes personal data past the retention period (daily). */
@Processor(QueueName.Retention, { concurrency: 1 })
export class RetentionProcessor extends WorkerHost {
  constructor(private readonly retention: PersonalDataRetention) {
    super();
  }

  async process(job: Job): Promise<{ citizens: number }> {
    switch (job.name as RetentionJob) {
      case RetentionJob.RemovePersonalData:
        return { citizens: await this.retention.removeExpiredPersonalData() };
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Retention}`);
    }
  }
}
