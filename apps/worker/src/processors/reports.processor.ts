import { Processor } from '@nestjs/bullmq';
import { QueueName, ReportsJob } from '@relais/queue';
import { ReportExports } from '@relais/reports';
import type { Job } from 'bullmq';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Writes audit report exports and deletes the expired ones. */
@Processor(QueueName.Reports, { concurrency: 1 })
export class ReportsProcessor extends JobProcessor<ReportsJob> {
  protected readonly handlers: Record<ReportsJob, JobHandler> = {
    [ReportsJob.Generate]: (job: Job<{ exportId: string }>) => this.generate(job),
    [ReportsJob.DeleteExpired]: async () => ({ deleted: await this.exports.deleteExpired() }),
    [ReportsJob.RequeueWaiting]: async () => ({ requeued: await this.exports.requeueWaiting() }),
  };

  constructor(private readonly exports: ReportExports) {
    super();
  }

  private async generate(job: Job<{ exportId: string }>) {
    try {
      return await this.exports.generate(job.data.exportId);
    } catch (error) {
      // A retry starts the file over; after the last one, the progress page says it failed.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.exports.markFailed(job.data.exportId);
      throw error;
    }
  }
}
