import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notifications is an outbox of emails. Every writer takes the recipient's id from a row that
 * already references it (the mandate, the aide or the structure request it has just read or
 * written), and aides, citizens and structure requests are never deleted (retention removes
 * personal data in place), so its three foreign keys checked nothing those rows did not. They
 * cost one lookup per key and per row: a fifth of an expiry batch, which writes two rows per mandate.
 */
export class NotificationsWithoutForeignKeys1766300000000 implements MigrationInterface {
  name = 'NotificationsWithoutForeignKeys1766300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE notifications
         DROP CONSTRAINT notifications_aide_id_fkey,
         DROP CONSTRAINT notifications_citizen_id_fkey,
         DROP CONSTRAINT notifications_structure_request_id_fkey`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE notifications
         ADD CONSTRAINT notifications_aide_id_fkey FOREIGN KEY (aide_id) REFERENCES aides (id),
         ADD CONSTRAINT notifications_citizen_id_fkey FOREIGN KEY (citizen_id) REFERENCES citizens (id),
         ADD CONSTRAINT notifications_structure_request_id_fkey
           FOREIGN KEY (structure_request_id) REFERENCES structure_requests (id)`,
    );
  }
}
