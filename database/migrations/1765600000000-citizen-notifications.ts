import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails to citizens (mandate created, daily uses, ends in seven days, revoked by whom):
 * - `notifications.dedup_key`: a unique key for emails that a retried or repeated job may try to
 *   queue again (`ON CONFLICT (dedup_key) DO NOTHING`); NULL for the others.
 * - `mandate_procedures.revoked_by`: who revoked an area (`citizen` in the portal, `aide` at the
 *   counter with the citizen), set for every `revoked` row, NULL for the others (replaced, in force).
 *   Existing rows are filled from `revoked_by_aide_id` (empty meant the citizen).
 * - `delegations (created_at)`: the daily digest reads one Paris day of delegated logins.
 */
export class CitizenNotifications1765600000000 implements MigrationInterface {
  name = 'CitizenNotifications1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE notifications ADD COLUMN dedup_key text');
    await db.query('CREATE UNIQUE INDEX notifications_dedup_key ON notifications (dedup_key)');
    await db.query('CREATE INDEX delegations_created_at ON delegations (created_at)');
    await db.query('ALTER TABLE mandate_procedures ADD COLUMN revoked_by text');
    await db.query(
      `UPDATE mandate_procedures
          SET revoked_by = CASE WHEN revoked_by_aide_id IS NULL THEN 'citizen' ELSE 'aide' END
        WHERE revocation_reason = 'revoked'`,
    );
    await db.query(
      `ALTER TABLE mandate_procedures
         ADD CONSTRAINT mandate_procedures_revoked_by_kind CHECK (revoked_by IN ('citizen', 'aide')),
         ADD CONSTRAINT mandate_procedures_revoked_by_set
           CHECK ((revocation_reason IS NOT DISTINCT FROM 'revoked') = (revoked_by IS NOT NULL)),
         ADD CONSTRAINT mandate_procedures_revoked_by_aide
           CHECK ((revoked_by IS NOT DISTINCT FROM 'aide') = (revoked_by_aide_id IS NOT NULL))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE mandate_procedures DROP COLUMN revoked_by');
    await db.query('DROP INDEX delegations_created_at');
    await db.query('DROP INDEX notifications_dedup_key');
    await db.query('ALTER TABLE notifications DROP COLUMN dedup_key');
  }
}
