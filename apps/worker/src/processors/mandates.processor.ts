import { Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { ProviderGrants } from '@relais/delegation';
import {
  CitizenNotices,
  ExpiryScheduler,
  MandateExpiry,
  RevocationNotices,
  type RevocationPropagation,
} from '@relais/mandates';
import { MandatesJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

import { type JobHandler, JobProcessor } from './job-processor.js';

export interface ExpiryJobResult {
  expired: number;
  delegationsEnded: number;
  rearmed?: number;
}

/**
 * Mandate ends. Expiry (the delayed job and the sweep) marks what is due expired, then ends what
 * those mandates opened at public services; a revocation's job ends its grants and tokens and
 * queues the emails; the daily citizen jobs queue the uses digest and the seven-day notices. Every step is idempotent, so retries (exponential backoff) and several
 * workers are safe. Concurrency: WORKER_CONCURRENCY.
 */
@Processor(QueueName.Mandates)
export class MandatesProcessor extends JobProcessor<MandatesJob> implements OnApplicationBootstrap {
  protected readonly handlers: Record<MandatesJob, JobHandler> = {
    [MandatesJob.Expire]: () => this.expire(),
    [MandatesJob.ExpirySweep]: async () => ({
      ...(await this.expire()),
      rearmed: await this.scheduler.rearm(2 * this.config.EXPIRY_SWEEP_INTERVAL_MS),
    }),
    [MandatesJob.PropagateRevocation]: async (job: Job) => {
      const revocation = job.data as RevocationPropagation;
      const delegationsEnded = await this.grants.endUnusable(revocation.mandateId);
      return { delegationsEnded, notified: await this.notices.queue(revocation) };
    },
    [MandatesJob.UsesDigest]: () => this.citizenNotices.queueUsesDigest(),
    [MandatesJob.EndingNotices]: async () => ({ queued: await this.citizenNotices.queueEndingNotices() }),
  };

  constructor(
    private readonly expiry: MandateExpiry,
    private readonly scheduler: ExpiryScheduler,
    private readonly notices: RevocationNotices,
    private readonly grants: ProviderGrants,
    private readonly citizenNotices: CitizenNotices,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
  }

  private async expire(): Promise<ExpiryJobResult> {
    const { expired } = await this.expiry.expireDue();
    // The grants sweep ends every delegation its mandate no longer allows, these included.
    return { expired, delegationsEnded: expired > 0 ? await this.grants.sweep() : 0 };
  }
}
