import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DataSource, type EntityManager } from 'typeorm';

import { NotificationKind } from '../enums/notification-kind.enum.js';

/** Without a login for this long, an account is warned (PostgreSQL interval). */
export const DORMANCY_WARNING_AFTER = '5 months';
/** After the warning, still no login for this long: the account is deactivated. */
export const DORMANCY_GRACE_PERIOD = '1 month';
/** Accounts changed per transaction. */
export const DORMANCY_BATCH_SIZE = 500;

export interface DormancyRun {
  warned: number;
  deactivated: number;
}

/**
 * Dormant accounts: an aide without a login for 5 months is warned by email; a month later,
 * still without a login, the account is deactivated. A login (Authenticator) clears the warning.
 * Set-based and idempotent: a second run the same day finds nothing to do.
 */
@Injectable()
export class DormancyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  async run(now = new Date()): Promise<DormancyRun> {
    // Deactivation first: an account warned by this very run is never deactivated by it.
    const deactivated = await this.inBatches((manager) => this.deactivateBatch(manager, now));
    const warned = await this.inBatches((manager) => this.warnBatch(manager, now));
    return { warned, deactivated };
  }

  private async warnBatch(manager: EntityManager, now: Date): Promise<number> {
    const rows: Array<{ id: string }> = await manager.query(
      `WITH warned AS (
         UPDATE aides SET dormancy_warned_at = $1
          WHERE id IN (SELECT id FROM aides
                        WHERE active AND password_hash IS NOT NULL AND dormancy_warned_at IS NULL
                          AND coalesce(last_login_at, created_at) < $1::timestamptz - $2::interval
                        ORDER BY id LIMIT $4
                          FOR UPDATE SKIP LOCKED)
         RETURNING id
       ), queued AS (
         INSERT INTO notifications (aide_id, kind, payload)
         SELECT id, $5::text, jsonb_build_object('deactivationFrom', $1::timestamptz + $3::interval) FROM warned
       )
       SELECT id FROM warned ORDER BY id`,
      [now, DORMANCY_WARNING_AFTER, DORMANCY_GRACE_PERIOD, DORMANCY_BATCH_SIZE, NotificationKind.DormancyWarning],
    );
    await this.record(manager, rows, AuditAction.AideDormancyWarned);
    return rows.length;
  }

  /** The warning is cleared too, so that an account reactivated later is warned again first. */
  private async deactivateBatch(manager: EntityManager, now: Date): Promise<number> {
    const rows: Array<{ id: string }> = await manager.query(
      `WITH deactivated AS (
         UPDATE aides SET active = false, dormancy_warned_at = NULL
          WHERE id IN (SELECT id FROM aides
                        WHERE active AND dormancy_warned_at <= $1::timestamptz - $2::interval
                          AND (last_login_at IS NULL OR last_login_at < dormancy_warned_at)
                        ORDER BY id LIMIT $3
                          FOR UPDATE SKIP LOCKED)
         RETURNING id
       ), queued AS (
         INSERT INTO notifications (aide_id, kind) SELECT id, $4::text FROM deactivated
       )
       SELECT id FROM deactivated ORDER BY id`,
      [now, DORMANCY_GRACE_PERIOD, DORMANCY_BATCH_SIZE, NotificationKind.DeactivatedForDormancy],
    );
    await this.record(manager, rows, AuditAction.AideDeactivatedForDormancy);
    return rows.length;
  }

  private record(manager: EntityManager, rows: Array<{ id: string }>, action: AuditAction) {
    return this.audit.recordMany(
      manager,
      rows.map(({ id }) => ({ action, actor: { type: AuditActorType.System }, details: { aideId: id } })),
    );
  }

  /** One transaction per batch, until a batch comes back short. */
  private async inBatches(batch: (manager: EntityManager) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await this.dataSource.transaction(batch);
      total += changed;
      if (changed < DORMANCY_BATCH_SIZE) return total;
    }
  }
}
