/** Every BullMQ queue; each has one processor in apps/worker/src/processors. */
export enum QueueName {
  Audit = 'audit',
  Aides = 'aides',
  Notifications = 'notifications',
  Delegations = 'delegations',
  Retention = 'retention',
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
