import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The email outbox: a row per message to send to an aide, written in the same transaction as the
 * event it announces. Delivery (SMTP) is a later issue; it will set sent_at.
 */
export class Notifications1764300000000 implements MigrationInterface {
  name = 'Notifications1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        aide_id    uuid NOT NULL REFERENCES aides (id),
        kind       text NOT NULL,
        payload    jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at    timestamptz
      )`);
    await db.query('CREATE INDEX notifications_aide ON notifications (aide_id)');
    await db.query('CREATE INDEX notifications_pending ON notifications (created_at) WHERE sent_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notifications');
  }
}
