import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email delivery: failed sends are counted and retried with a growing delay, then given up
 * (NotificationSender). last_error holds the SMTP reply code and text, never an address.
 * The pending index covers only the rows the sender still takes (10 = NOTIFICATION_MAX_ATTEMPTS).
 */
export class NotificationDelivery1764400000000 implements MigrationInterface {
  name = 'NotificationDelivery1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE notifications
        ADD COLUMN attempts        int NOT NULL DEFAULT 0,
        ADD COLUMN last_error      text,
        ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now()`);
    await db.query('DROP INDEX notifications_pending');
    await db.query(
      'CREATE INDEX notifications_pending ON notifications (next_attempt_at) WHERE sent_at IS NULL AND attempts < 10',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX notifications_pending');
    await db.query(
      'ALTER TABLE notifications DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN next_attempt_at',
    );
    await db.query('CREATE INDEX notifications_pending ON notifications (created_at) WHERE sent_at IS NULL');
  }
}
