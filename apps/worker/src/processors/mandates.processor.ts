import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { ProviderGrants } from '@relais/delegation';
import { ExpiryScheduler, MandateExpiry, RevocationNotices, type RevocationPropagation } from '@relais/mandates';
import { MandatesJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

export interface MandatesJobResult {
  expired?: number;
  rearmed?: number;
  delegationsEnded: number;
  notified?: number;
}

/**
 * Mandate ends. Expiry (the delayed job and the sweep) marks what is due expired, then ends what
 * those mandates opened at public services; a revocation's job ends its grants and tokens and
 * queues the emails. Every step is idempotent, so retries (exponential backoff) and several
 * workers are safe. Concurrency: WORKER_CONCURRENCY.
 */
@Processor(QueueName.Mandates)
export class MandatesProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly expiry: MandateExpiry,
    private readonly scheduler: ExpiryScheduler,
    private readonly notices: RevocationNotices,
    private readonly grants: ProviderGrants,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
  }

  async process(job: Job): Promise<MandatesJobResult> {
    switch (job.name as MandatesJob) {
      case MandatesJob.Expire:
        return this.expire();
      case MandatesJob.ExpirySweep:
        return {
          ...(await this.expire()),
          rearmed: await this.scheduler.rearm(2 * this.config.EXPIRY_SWEEP_INTERVAL_MS),
        };
      case MandatesJob.PropagateRevocation: {
        const revocation = job.data as RevocationPropagation;
        const delegationsEnded = await this.grants.endUnusable(revocation.mandateId);
        return { delegationsEnded, notified: await this.notices.queue(revocation) };
      }
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Mandates}`);
    }
  }

  private async expire(): Promise<MandatesJobResult> {
    const { expired } = await this.expiry.expireDue();
    // The grants sweep ends every delegation its mandate no longer allows, these included.
    return { expired, delegationsEnded: expired > 0 ? await this.grants.sweep() : 0 };
  }
}
