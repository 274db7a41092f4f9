/** Every BullMQ queue; each has one processor in apps/worker/src/processors. */
export enum QueueName {
  Audit = 'audit',
}

/** Job names of the audit queue. */
export enum AuditJob {
  Seal = 'seal',
}
