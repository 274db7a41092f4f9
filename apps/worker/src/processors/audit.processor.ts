import { Processor, WorkerHost } from '@nestjs/bullmq';
import { AuditSealer } from '@relais/audit';
import { AuditCheckpointer } from '@relais/audit-checkpoints';
import { AuditJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

/** Seals the audit outbox into the journal and signs the checkpoints due; concurrency 1, both lock across workers. */
@Processor(QueueName.Audit, { concurrency: 1 })
export class AuditProcessor extends WorkerHost {
  constructor(
    private readonly sealer: AuditSealer,
    private readonly checkpointer: AuditCheckpointer,
  ) {
    super();
  }

  async process(job: Job): Promise<{ sealed: number; checkpoints: number }> {
    switch (job.name as AuditJob) {
      case AuditJob.Seal: {
        const sealed = await this.sealer.sealPending();
        return { sealed, checkpoints: (await this.checkpointer.checkpointDue()).length };
      }
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Audit}`);
    }
  }
}
