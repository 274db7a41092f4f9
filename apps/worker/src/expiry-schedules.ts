import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { MandatesJob, QueueName } from '@relais/queue';
import type { Queue } from 'bullmq';

export const EXPIRY_SWEEP_SCHEDULER = 'mandates-expiry-sweep';

/**
 * The expiry sweep's job scheduler. Upserting is idempotent, so it is upserted again every
 * interval: a Redis that lost its data (flushed, failed over to an empty replica) gets it back
 * without restarting the workers, and the sweep then re-arms the delayed expiry jobs.
 */
@Injectable()
export class ExpirySchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySchedules.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(QueueName.Mandates) private readonly queue: Queue,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.upsert();
    this.timer = setInterval(() => {
      this.upsert().catch((error: Error) => this.logger.warn({ error: error.message }, 'expiry sweep not re-armed'));
    }, this.config.EXPIRY_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async upsert(): Promise<void> {
    await this.queue.upsertJobScheduler(
      EXPIRY_SWEEP_SCHEDULER,
      { every: this.config.EXPIRY_SWEEP_INTERVAL_MS },
      { name: MandatesJob.ExpirySweep, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
