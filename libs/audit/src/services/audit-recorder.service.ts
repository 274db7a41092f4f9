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

/**
 * Writes an audit event into the outbox with the caller's transaction, so the event exists if
 * and only if the change it describes was committed.
 */
@Injectable()
export class AuditRecorder {
  async record(manager: EntityManager, event: AuditEvent): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new AuditOutsideTransactionError(event.action);
    await manager.query(
      `INSERT INTO audit_outbox
         (occurred_at, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.occurredAt ?? new Date(),
        event.actor.type,
        event.actor.id ?? null,
        event.structureId ?? null,
        event.citizenId ?? null,
        event.mandateId ?? null,
        event.action,
        JSON.stringify(event.details ?? {}),
      ],
    );
  }
}
