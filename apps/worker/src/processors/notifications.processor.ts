import { Processor } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotificationSender } from '@relais/aides';
import { NotificationsJob, QueueName } from '@relais/queue';

import { type JobHandler, JobProcessor } from './job-processor.js';

/** Email delivery; concurrency 1, and the sender skips rows another worker holds. */
@Processor(QueueName.Notifications, { concurrency: 1 })
export class NotificationsProcessor extends JobProcessor<NotificationsJob> implements OnApplicationBootstrap {
  protected readonly handlers: Record<NotificationsJob, JobHandler> = {
    [NotificationsJob.Send]: () => this.sender.sendPending(),
  };

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
}
