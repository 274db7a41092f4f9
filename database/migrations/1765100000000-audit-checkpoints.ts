import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit journal (last seq, its hash, count, time, JWS): append-only
 * like the journal. And what the retention job needs: when a citizen's personal data was removed.
 */
export class AuditCheckpoints1765100000000 implements MigrationInterface {
  name = 'AuditCheckpoints1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_checkpoints (
        seq         bigint PRIMARY KEY CHECK (seq > 0),
        hash        text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        entry_count bigint NOT NULL CHECK (entry_count > 0),
        signed_at   timestamptz(3) NOT NULL,
        kid         text NOT NULL,
        jws         text NOT NULL
      )`);
    await db.query('CREATE INDEX audit_checkpoints_signed_at ON audit_checkpoints (signed_at)');
    await db.query(`
      CREATE FUNCTION audit_checkpoints_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_is_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_is_append_only()`);
    await db.query('ALTER TABLE citizens ADD COLUMN personal_data_removed_at timestamptz');
    // Attestation PDFs print the citizen's name: retention removes the file, the sha256 and seal stay.
    await db.query('ALTER TABLE attestations ALTER COLUMN pdf DROP NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE attestations SET pdf = '\\x'::bytea WHERE pdf IS NULL`);
    await db.query('ALTER TABLE attestations ALTER COLUMN pdf SET NOT NULL');
    await db.query('ALTER TABLE citizens DROP COLUMN personal_data_removed_at');
    await db.query('DROP TABLE audit_checkpoints');
    await db.query('DROP FUNCTION audit_checkpoints_is_append_only');
  }
}
