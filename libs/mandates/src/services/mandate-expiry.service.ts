import { Inject, Injectable } from '@nestjs/common';
import { NotificationKind } from '@relais/aides';
import { AuditAction, AuditActorType, auditOutboxInsert } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DataSource, type EntityManager } from 'typeorm';

import { MandateStatus } from '../enums/mandate-status.enum.js';

export interface ExpiryRun {
  expired: number;
}

/** Where the next batch starts: after this (expires_at as PostgreSQL text, id). */
interface Cursor {
  at: string;
  id: string;
}

/** A timestamptz as `Date.toISOString()` writes it (UTC, milliseconds), in SQL. */
const ISO_MS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Ends mandates past their end still marked active: status `expired`, one audit event each, the
 * requesting aide's and the citizen's emails queued, in one transaction per batch of
 * EXPIRY_BATCH_SIZE (set-based SQL). FOR UPDATE SKIP LOCKED lets several workers share the work
 * without ending a mandate twice; a crash rolls back the batch in progress, which a later run redoes.
 * (The "usable now?" rule already refused these mandates: this is the record and the follow-up.)
 */
@Injectable()
export class MandateExpiry {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async expireDue(now = new Date()): Promise<ExpiryRun> {
    let expired = 0;
    // Each batch goes on from the last (expires_at, id) of the previous one: the index entries of
    // the rows just expired stay until vacuum, and scanning them again each batch made a run of N
    // mandates O(N²). Rows skipped (locked by another worker that then rolled back) are the next run's.
    let after: Cursor = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const batch = await this.dataSource.transaction((manager) => this.expireBatch(manager, now, after));
      expired += batch.ended;
      if (!batch.last) return { expired };
      after = batch.last;
    }
  }

  /** The end of the soonest mandate past its end still marked active (metrics), or null. */
  async oldestOverdue(now = new Date()): Promise<Date | null> {
    const [row]: Array<{ end: Date | null }> = await this.dataSource.query(
      'SELECT min(expires_at) AS end FROM mandates WHERE status = $1 AND expires_at <= $2',
      [MandateStatus.Active, now],
    );
    return row?.end ?? null;
  }

  private async expireBatch(
    manager: EntityManager,
    now: Date,
    after: Cursor,
  ): Promise<{ ended: number; last: Cursor | null }> {
    // expires_at as text keeps its microseconds (a Date would round the cursor down to the ms).
    // ctid: the rows are locked until commit, so their addresses hold, and the UPDATE reaches
    // them with a TID scan instead of one primary-key lookup each.
    const ids: Array<{ id: string; at: string; ctid: string }> = await manager.query(
      `SELECT id, expires_at::text AS at, ctid::text FROM mandates
        WHERE status = $1 AND expires_at <= $2 AND (expires_at, id) > ($3::timestamptz, $4::uuid)
        ORDER BY expires_at, id LIMIT $5 FOR UPDATE SKIP LOCKED`,
      [MandateStatus.Active, now, after.at, after.id, this.config.EXPIRY_BATCH_SIZE],
    );
    if (ids.length === 0) return { ended: 0, last: null };
    // The update, the emails and the audit events in one statement: nothing goes back and forth.
    const [{ ended }]: Array<{ ended: number }> = await manager.query(
      `WITH expired AS (
         UPDATE mandates SET status = $2 WHERE ctid = ANY($1::tid[])
         RETURNING id, structure_id, aide_id, citizen_id, expires_at
       ), to_aides AS (
         INSERT INTO notifications (aide_id, kind, payload)
         SELECT aide_id, $3::text, jsonb_build_object('mandateId', id, 'endedAt', expires_at) FROM expired
       ), to_citizens AS (
         INSERT INTO notifications (citizen_id, kind, payload)
         SELECT e.citizen_id, $4::text, jsonb_build_object('mandateId', e.id, 'endedAt', e.expires_at)
           FROM expired e JOIN citizens c ON c.id = e.citizen_id
          WHERE c.email IS NOT NULL
       ), journaled AS (
         ${auditOutboxInsert(
           `SELECT now(), $5::text, NULL, structure_id, citizen_id, id, $6::text,
                   jsonb_build_object('expiresAt', ${ISO_MS('expires_at')})
              FROM expired ORDER BY expires_at, id`,
         )}
       )
       SELECT count(*)::int AS ended FROM expired`,
      [
        ids.map(({ ctid }) => ctid),
        MandateStatus.Expired,
        NotificationKind.MandateExpired,
        NotificationKind.CitizenMandateExpired,
        AuditActorType.System,
        AuditAction.MandateExpired,
      ],
    );
    const last = ids.length < this.config.EXPIRY_BATCH_SIZE ? null : ids[ids.length - 1];
    return { ended, last: last && { at: last.at, id: last.id } };
  }
}
