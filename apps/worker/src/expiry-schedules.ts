import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { MandatesJob, QueueName } from '@relais/queue';
import type { Queue } from 'bullmq';

import { JobSchedules } from './job-schedules.js';

export const EXPIRY_SWEEP_SCHEDULER = 'mandates-expiry-sweep';

/**
 * The expiry sweep's job scheduler. Upserting is idempotent, so it is upserted again every
 * interval, with JobSchedules' ones: a Redis that lost its data (flushed, restarted without
 * persistence, failed over to an empty replica) gets them back without restarting the workers,
 * and the sweep then re-arms the delayed expiry jobs.
 */
@Injectable()
export class ExpirySchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySchedules.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(QueueName.Mandates) private readonly queue: Queue,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
    private readonly schedules: JobSchedules,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.upsert();
    this.timer = setInterval(() => {
      Promise.all([this.upsert(), this.schedules.onApplicationBootstrap()]).catch((error: Error) =>
        this.logger.warn({ error: error.message }, 'schedulers not re-armed'),
      );
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
