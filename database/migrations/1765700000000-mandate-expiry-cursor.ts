import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expiry batches walk the active mandates past their end in (expires_at, id) order from where the
 * previous batch stopped, instead of from the start each time: the entries of the mandates just
 * expired stay in the partial index until vacuum, and rescanning them made a run of N mandates
 * cost O(N²). The index gains `id` so the cursor is served by it.
 */
export class MandateExpiryCursor1765700000000 implements MigrationInterface {
  name = 'MandateExpiryCursor1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query("CREATE INDEX mandates_active_end_id ON mandates (expires_at, id) WHERE status = 'active'");
    await db.query('DROP INDEX mandates_active_end');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query("CREATE INDEX mandates_active_end ON mandates (expires_at) WHERE status = 'active'");
    await db.query('DROP INDEX mandates_active_end_id');
  }
}
