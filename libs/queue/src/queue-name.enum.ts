/** Every BullMQ queue; each has one processor in apps/worker/src/processors. */
export enum QueueName {
  Audit = 'audit',
  Aides = 'aides',
  Notifications = 'notifications',
  Delegations = 'delegations',
  Retention = 'retention',

  Mandates = 'mandates',
  Reports = 'reports',
}

/** Job names of the audit queue. */
export enum AuditJob {
  /** Seals the outbox into the journal, then signs the checkpoints due. */
  Seal = 'seal',
}

/** Job names of the aides queue. */
export enum AidesJob {
  /** Warns, then deactivates, accounts without a login for months (daily). */
  Dormancy = 'dormancy',
}

/** Job names of the notifications queue. */
export enum NotificationsJob {
  /** Sends the pending emails of the notifications outbox (every minute). */
  Send = 'send-notifications',
}

/** Job names of the delegations queue. */
export enum DelegationsJob {
  /** Ends what expired (or otherwise unusable) mandates opened at public services (every minute). */
  EndUnusable = 'end-unusable-delegations',
}

/** Job names of the retention queue. */
export enum RetentionJob {
  /** Removes the personal data of citizens whose mandates all ended RETENTION_YEARS ago (daily). */
  RemovePersonalData = 'remove-personal-data',
}

/** Job names of the mandates queue. */
export enum MandatesJob {
  /** Delayed to a mandate's end (job id `expire-<mandate id>`): expires every mandate due, in batches. */
  Expire = 'expire-mandate',
  /** The safety net (every EXPIRY_SWEEP_INTERVAL_MS): expires what is past its end, re-arms the next ends. */
  ExpirySweep = 'expiry-sweep',
  /** After a revocation: ends grants and tokens, queues the citizen's and supervisors' emails. */
  PropagateRevocation = 'propagate-revocation',
  /** Daily (07:00 Paris): one email per mandate used the day before, listing that day's uses. */
  UsesDigest = 'citizen-uses-digest',
  /** Daily (10:00 Paris): the citizen's email seven days before the end of a mandate still in force. */
  EndingNotices = 'citizen-ending-notices',
}

/** Job names of the reports queue. */
export enum ReportsJob {
  /** Writes one audit report export (job id `report-<export id>`) into PostgreSQL, then signs it. */
  Generate = 'generate-report',
  /** Deletes the exports past REPORT_EXPIRY_HOURS (every 15 minutes). */
  DeleteExpired = 'delete-expired-reports',
  /** Queues again the exports still waiting after REPORT_REQUEUE_AFTER_SECONDS (their job was lost). */
  RequeueWaiting = 'requeue-waiting-reports',
}

/** Every job name of every queue: the worker refuses to start unless each has a handler. */
export const QUEUE_JOBS: Record<QueueName, readonly string[]> = {
  [QueueName.Audit]: Object.values(AuditJob),
  [QueueName.Aides]: Object.values(AidesJob),
  [QueueName.Notifications]: Object.values(NotificationsJob),
  [QueueName.Delegations]: Object.values(DelegationsJob),
  [QueueName.Mandates]: Object.values(MandatesJob),
  [QueueName.Retention]: Object.values(RetentionJob),
  [QueueName.Reports]: Object.values(ReportsJob),
};
