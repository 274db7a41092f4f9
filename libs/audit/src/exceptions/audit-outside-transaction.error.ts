/** A programming error: audit events must be written inside the transaction of their change. */
export class AuditOutsideTransactionError extends Error {
  constructor(action: string) {
    super(`Audit event "${action}" must be recorded inside a database transaction`);
    this.name = 'AuditOutsideTransactionError';
  }
}
