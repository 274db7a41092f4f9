import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mandate expiry: an index for "active and past its end" (sweep, metrics), and emails to citizens
 * in the notifications outbox (a row is for an aide or for a citizen, never both).
 */
export class MandateExpiry1765200000000 implements MigrationInterface {
  name = 'MandateExpiry1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query("CREATE INDEX mandates_active_end ON mandates (expires_at) WHERE status = 'active'");
    await db.query('ALTER TABLE notifications ALTER COLUMN aide_id DROP NOT NULL');
    await db.query('ALTER TABLE notifications ADD COLUMN citizen_id uuid REFERENCES citizens (id)');
    await db.query(
      'ALTER TABLE notifications ADD CONSTRAINT notifications_one_recipient CHECK (num_nonnulls(aide_id, citizen_id) = 1)',
    );
    await db.query('CREATE INDEX notifications_citizen ON notifications (citizen_id) WHERE citizen_id IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DELETE FROM notifications WHERE citizen_id IS NOT NULL');
    await db.query('ALTER TABLE notifications DROP COLUMN citizen_id');
    await db.query('ALTER TABLE notifications ALTER COLUMN aide_id SET NOT NULL');
    await db.query('DROP INDEX mandates_active_end');
  }
}
