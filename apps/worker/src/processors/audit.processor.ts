import { Processor, WorkerHost } from '@nestjs/bullmq';
import { AuditSealer } from '@relais/audit';
import { AuditJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

/** Seals the audit outbox into the journal; concurrency 1, and the sealer locks across workers. */
@Processor(QueueName.Audit, { concurrency: 1 })
export class AuditProcessor extends WorkerHost {
  constructor(private readonly sealer: AuditSealer) {
    super();
  }

  async process(job: Job): Promise<{ sealed: number }> {
    switch (job.name as AuditJob) {
      case AuditJob.Seal:
        return { sealed: await this.sealer.sealPending() };
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Audit}`);
    }
  }
}
