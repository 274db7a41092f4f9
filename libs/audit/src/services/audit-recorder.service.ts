import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import type { AuditAction, AuditActorType } from '../enums/audit-action.enum.js';
import { AuditOutsideTransactionError } from '../exceptions/audit-outside-transaction.error.js';

export interface AuditEvent {
  action: AuditAction;
  actor: { type: AuditActorType; id?: string | null };
  structureId?: string | null;
  citizenId?: string | null;
  mandateId?: string | null;
  /** Identifiers and facts only: names, emails and other personal data stay out of the journal. */
  details?: Record<string, unknown>;
  occurredAt?: Date;
}

/** The outbox columns an `auditOutboxInsert` SELECT gives, in this order. */
export const AUDIT_OUTBOX_COLUMNS =
  'occurred_at, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details';

/**
 * The INSERT of audit events that SQL computes, for set-based jobs that write them in the very
 * statement that makes the change (a data-modifying CTE, in the caller's transaction like
 * `record`): no round trip of the rows through the application. `select` gives
 * AUDIT_OUTBOX_COLUMNS and orders its rows (outbox ids, hence journal order, follow it).
 */
export function auditOutboxInsert(select: string): string {
  return `INSERT INTO audit_outbox (${AUDIT_OUTBOX_COLUMNS}) ${select}`;
}

/**
 * Writes an audit event into the outbox with the caller's transaction, so the event exists if
 * and only if the change it describes was committed.
 */
@Injectable()
export class AuditRecorder {
  async record(manager: EntityManager, event: AuditEvent): Promise<void> {
    await this.recordMany(manager, [event]);
  }

  /** Several events in one INSERT, in the order given: for jobs that change rows set by set. */
  async recordMany(manager: EntityManager, events: readonly AuditEvent[]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new AuditOutsideTransactionError(events[0]?.action ?? 'batch');
    }
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO audit_outbox
         (occurred_at, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details)
       SELECT occurred_at, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[],
                     $8::jsonb[])
              WITH ORDINALITY AS e (occurred_at, actor_type, actor_id, structure_id, citizen_id, mandate_id,
                                    action, details, position)
        ORDER BY position`,
      [
        events.map((event) => event.occurredAt ?? new Date()),
        events.map((event) => event.actor.type),
        events.map((event) => event.actor.id ?? null),
        events.map((event) => event.structureId ?? null),
        events.map((event) => event.citizenId ?? null),
        events.map((event) => event.mandateId ?? null),
        events.map((event) => event.action),
        events.map((event) => JSON.stringify(event.details ?? {})),
      ],
    );
  }
}
