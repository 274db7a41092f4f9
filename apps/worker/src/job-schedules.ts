import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import {
  AidesJob,
  AuditJob,
  DelegationsJob,
  MandatesJob,
  NotificationsJob,
  QueueName,
  ReportsJob,
  RetentionJob,
} from '@relais/queue';
import type { Queue } from 'bullmq';

/** Every day at 03:00 (the worker's time zone). */
export const DORMANCY_SCHEDULE = { pattern: '0 3 * * *' };
/** Every day at 04:00 (the worker's time zone). */
export const RETENTION_SCHEDULE = { pattern: '0 4 * * *' };
/** Pending emails are sent every minute. */
export const NOTIFICATIONS_SCHEDULE = { every: 60_000 };
/** What expired mandates opened at public services is ended every minute. */
export const DELEGATIONS_SCHEDULE = { every: 60_000 };
/** Expired report exports are deleted every 15 minutes. */
export const REPORTS_CLEANUP_SCHEDULE = { every: 15 * 60_000 };

/** Every day at 07:00 in Paris: the uses of the Paris day before, one email per mandate. */
export const USES_DIGEST_SCHEDULE = { pattern: '0 7 * * *', tz: 'Europe/Paris' };
/** Every day at 10:00 in Paris: the seven-day notices of mandates ending soon. */
export const ENDING_NOTICES_SCHEDULE = { pattern: '0 10 * * *', tz: 'Europe/Paris' };

/** Periodic jobs; upserting a scheduler is idempotent, so every worker may do it at start. */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Audit) private readonly auditQueue: Queue,
    @InjectQueue(QueueName.Aides) private readonly aidesQueue: Queue,
    @InjectQueue(QueueName.Notifications) private readonly notificationsQueue: Queue,
    @InjectQueue(QueueName.Delegations) private readonly delegationsQueue: Queue,
    @InjectQueue(QueueName.Retention) private readonly retentionQueue: Queue,
    @InjectQueue(QueueName.Mandates) private readonly mandatesQueue: Queue,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
    @InjectQueue(QueueName.Reports) private readonly reportsQueue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.auditQueue.upsertJobScheduler(
      'audit-seal',
      { every: this.config.AUDIT_SEAL_INTERVAL_MS },
      { name: AuditJob.Seal, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } },
    );
    // Idempotent job, so the queue's default retries (with backoff) are safe.
    await this.aidesQueue.upsertJobScheduler('aides-dormancy', DORMANCY_SCHEDULE, { name: AidesJob.Dormancy });
    // The next run is the retry: a failed run is not repeated (sent rows are marked, failures counted).
    await this.notificationsQueue.upsertJobScheduler('notifications-send', NOTIFICATIONS_SCHEDULE, {
      name: NotificationsJob.Send,
      opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
    });
    await this.delegationsQueue.upsertJobScheduler('delegations-end-unusable', DELEGATIONS_SCHEDULE, {
      name: DelegationsJob.EndUnusable,
      opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
    });
    // Idempotent (removed citizens are skipped), so the queue's default retries are safe.
    await this.retentionQueue.upsertJobScheduler('retention-personal-data', RETENTION_SCHEDULE, {
      name: RetentionJob.RemovePersonalData,
    });
    // Idempotent (notifications.dedup_key), so the queue's default retries are safe.
    await this.mandatesQueue.upsertJobScheduler('citizen-uses-digest', USES_DIGEST_SCHEDULE, {
      name: MandatesJob.UsesDigest,
    });
    await this.mandatesQueue.upsertJobScheduler('citizen-ending-notices', ENDING_NOTICES_SCHEDULE, {
      name: MandatesJob.EndingNotices,
    });
    // Idempotent (a DELETE of what expired), so the next run is the retry.
    await this.reportsQueue.upsertJobScheduler('reports-delete-expired', REPORTS_CLEANUP_SCHEDULE, {
      name: ReportsJob.DeleteExpired,
      opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
    });
    // Idempotent (job ids `report-<id>`), so the next run is the retry; the first runs at start.
    await this.reportsQueue.upsertJobScheduler(
      'reports-requeue-waiting',
      { every: this.config.REPORT_REQUEUE_AFTER_SECONDS * 1000 },
      { name: ReportsJob.RequeueWaiting, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
