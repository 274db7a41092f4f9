import { Processor, WorkerHost } from '@nestjs/bullmq';
import { ProviderGrants } from '@relais/delegation';
import { DelegationsJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

/**
 * Ends what expired mandates opened at public services (grants and tokens deleted). Tokens were
 * already refused at each use (the provider re-checks the mandate); this also frees the grants.
 */
@Processor(QueueName.Delegations, { concurrency: 1 })
export class DelegationsProcessor extends WorkerHost {
  constructor(private readonly grants: ProviderGrants) {
    super();
  }

  async process(job: Job): Promise<{ ended: number }> {
    switch (job.name as DelegationsJob) {
      case DelegationsJob.EndUnusable:
        return { ended: await this.grants.sweep() };
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Delegations}`);
    }
  }
}
