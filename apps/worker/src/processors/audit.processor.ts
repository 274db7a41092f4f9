import { Processor } from '@nestjs/bullmq';
import { AuditSealer } from '@relais/audit';
import { AuditJob, QueueName } from '@relais/queue';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Seals the audit outbox into the journal; concurrency 1, and the sealer locks across workers. */
@Processor(QueueName.Audit, { concurrency: 1 })
export class AuditProcessor extends JobProcessor<AuditJob> {
  protected readonly handlers: Record<AuditJob, JobHandler> = {
    [AuditJob.Seal]: async () => ({ sealed: await this.sealer.sealPending() }),
  };

  constructor(private readonly sealer: AuditSealer) {
    super();
  }
}
