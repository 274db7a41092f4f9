import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type DeliveryRun, NotificationSender } from '@relais/aides';
import { NotificationsJob, QueueName } from '@relais/queue';
import type { Job } from 'bullmq';

/** Email delivery; concurrency 1, and the sender skips rows another worker holds. */
@Processor(QueueName.Notifications, { concurrency: 1 })
export class NotificationsProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(private readonly sender: NotificationSender) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.sender.enabled) {
      new Logger(NotificationsProcessor.name).warn(
        'email delivery is disabled (SMTP_URL is not set): emails stay pending',
      );
    }
  }

  async process(job: Job): Promise<DeliveryRun> {
    switch (job.name as NotificationsJob) {
      case NotificationsJob.Send:
        return this.sender.sendPending();
      default:
        throw new Error(`No handler for job "${job.name}" on queue ${QueueName.Notifications}`);
    }
  }
}
