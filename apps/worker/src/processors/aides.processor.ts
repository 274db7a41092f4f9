import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DormancyService, type DormancyRun } from '@relais/aides';
import { AidesJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

/** Aide account housekeeping; concurrency 1, and the service skips rows another run holds. */
@Processor(QueueName.Aides, { concurrency: 1 })
export class AidesProcessor extends WorkerHost {
  constructor(private readonly dormancy: DormancyService) {
    super();
  }

  async process(job: Job): Promise<DormancyRun> {
    switch (job.name as AidesJob) {
      case AidesJob.Dormancy:
        return this.dormancy.run();
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Aides}`);
    }
  }
}
