import { Processor } from '@nestjs/bullmq';
import { DormancyService } from '@relais/aides';
import { AidesJob, QueueName } from '@relais/queue';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Aide account housekeeping; concurrency 1, and the service skips rows another run holds. */
@Processor(QueueName.Aides, { concurrency: 1 })
export class AidesProcessor extends JobProcessor<AidesJob> {
  protected readonly handlers: Record<AidesJob, JobHandler> = {
    [AidesJob.Dormancy]: () => this.dormancy.run(),
  };

  constructor(private readonly dormancy: DormancyService) {
    super();
  }
}
