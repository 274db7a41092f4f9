import { Inject, Injectable } from '@nestjs/common';
import { NotificationKind } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DataSource, type EntityManager } from 'typeorm';

import { MandateStatus } from '../enums/mandate-status.enum.js';

export interface ExpiryRun {
  expired: number;
}

interface ExpiredRow {
  id: string;
  structure_id: string;
  citizen_id: string | null;
  expires_at: Date;
}

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
    private readonly audit: AuditRecorder,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async expireDue(now = new Date()): Promise<ExpiryRun> {
    let expired = 0;
    for (;;) {
      const ended = await this.dataSource.transaction((manager) => this.expireBatch(manager, now));
      expired += ended;
      if (ended < this.config.EXPIRY_BATCH_SIZE) return { expired };
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

  private async expireBatch(manager: EntityManager, now: Date): Promise<number> {
    const ids: Array<{ id: string }> = await manager.query(
      `SELECT id FROM mandates WHERE status = $1 AND expires_at <= $2
        ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [MandateStatus.Active, now, this.config.EXPIRY_BATCH_SIZE],
    );
    if (ids.length === 0) return 0;
    const rows: ExpiredRow[] = await manager.query(
      `WITH expired AS (
         UPDATE mandates SET status = $2 WHERE id = ANY($1::uuid[])
         RETURNING id, structure_id, aide_id, citizen_id, expires_at
       ), to_aides AS (
         INSERT INTO notifications (aide_id, kind, payload)
         SELECT aide_id, $3::text, jsonb_build_object('mandateId', id, 'endedAt', expires_at) FROM expired
       ), to_citizens AS (
         INSERT INTO notifications (citizen_id, kind, payload)
         SELECT e.citizen_id, $4::text, jsonb_build_object('mandateId', e.id, 'endedAt', e.expires_at)
           FROM expired e JOIN citizens c ON c.id = e.citizen_id
          WHERE c.email IS NOT NULL
       )
       SELECT id, structure_id, citizen_id, expires_at FROM expired ORDER BY expires_at, id`,
      [
        ids.map(({ id }) => id),
        MandateStatus.Expired,
        NotificationKind.MandateExpired,
        NotificationKind.CitizenMandateExpired,
      ],
    );
    await this.audit.recordMany(
      manager,
      rows.map((row) => ({
        action: AuditAction.MandateExpired,
        actor: { type: AuditActorType.System },
        structureId: row.structure_id,
        citizenId: row.citizen_id,
        mandateId: row.id,
        details: { expiresAt: new Date(row.expires_at).toISOString() },
      })),
    );
    return rows.length;
  }
}
