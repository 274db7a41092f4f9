import { Processor } from '@nestjs/bullmq';
import { AuditSealer } from '@relais/audit';
import { AuditCheckpointer } from '@relais/audit-checkpoints';
import { AuditJob, QueueName } from '@relais/queue';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Seals the audit outbox into the journal and signs the checkpoints due; concurrency 1, both lock across workers. */
@Processor(QueueName.Audit, { concurrency: 1 })
export class AuditProcessor extends JobProcessor<AuditJob> {
  protected readonly handlers: Record<AuditJob, JobHandler> = {
    [AuditJob.Seal]: async () => {
      const sealed = await this.sealer.sealPending();
      return { sealed, checkpoints: (await this.checkpointer.checkpointDue()).length };
    },
  };

  constructor(
    private readonly sealer: AuditSealer,
    private readonly checkpointer: AuditCheckpointer,
  ) {
    super();
  }
}
