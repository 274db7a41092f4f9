import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes whose key is NULL in most rows leave those rows out: each was written for every mandate
 * (remote_token_hash is set for remote consent only) and every email (dedup_key for repeated
 * jobs' emails only, aide_id for aides' emails only), at every insert and at every non-HOT
 * update such as an expiry. Lookups by a value (`= $1`, ON CONFLICT … WHERE dedup_key IS NOT
 * NULL) are served the same; uniqueness never applied to NULLs.
 */
export class NullKeysOutOfIndexes1766310000000 implements MigrationInterface {
  name = 'NullKeysOutOfIndexes1766310000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE mandates DROP CONSTRAINT mandates_remote_token_hash_key');
    await db.query(
      'CREATE UNIQUE INDEX mandates_remote_token_hash_key ON mandates (remote_token_hash) WHERE remote_token_hash IS NOT NULL',
    );
    await db.query('DROP INDEX notifications_dedup_key');
    await db.query(
      'CREATE UNIQUE INDEX notifications_dedup_key ON notifications (dedup_key) WHERE dedup_key IS NOT NULL',
    );
    await db.query('DROP INDEX notifications_aide');
    await db.query('CREATE INDEX notifications_aide ON notifications (aide_id) WHERE aide_id IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX notifications_aide');
    await db.query('CREATE INDEX notifications_aide ON notifications (aide_id)');
    await db.query('DROP INDEX notifications_dedup_key');
    await db.query('CREATE UNIQUE INDEX notifications_dedup_key ON notifications (dedup_key)');
    await db.query('DROP INDEX mandates_remote_token_hash_key');
    await db.query('ALTER TABLE mandates ADD CONSTRAINT mandates_remote_token_hash_key UNIQUE (remote_token_hash)');
  }
}
