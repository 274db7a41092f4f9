import { Processor } from '@nestjs/bullmq';
import { ProviderGrants } from '@relais/delegation';
import { DelegationsJob, QueueName } from '@relais/queue';

import { type JobHandler, JobProcessor } from './job-processor.js';

/**
 * Ends what expired mandates opened at public services (grants and tokens deleted). Tokens were
 * already refused at each use (the provider re-checks the mandate); this also frees the grants.
 */
@Processor(QueueName.Delegations, { concurrency: 1 })
export class DelegationsProcessor extends JobProcessor<DelegationsJob> {
  protected readonly handlers: Record<DelegationsJob, JobHandler> = {
    [DelegationsJob.EndUnusable]: async () => ({ ended: await this.grants.sweep() }),
  };

  constructor(private readonly grants: ProviderGrants) {
    super();
  }
}
