import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit outbox and the append-only, hash-chained liability journal. */
export class AuditJournal1764000000000 implements MigrationInterface {
  name = 'AuditJournal1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_outbox (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
        occurred_at  timestamptz(3) NOT NULL,
        actor_type   text NOT NULL,
        actor_id     text,
        structure_id uuid,
        citizen_id   uuid,
        mandate_id   uuid,
        action       text NOT NULL,
        details      jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`
      CREATE TABLE audit_journal (
        seq          bigint PRIMARY KEY CHECK (seq > 0),
        event_id     bigint NOT NULL UNIQUE,
        occurred_at  timestamptz(3) NOT NULL,
        actor_type   text NOT NULL,
        actor_id     text,
        structure_id uuid,
        citizen_id   uuid,
        mandate_id   uuid,
        action       text NOT NULL,
        details      jsonb NOT NULL,
        prev_hash    text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash         text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        sealed_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX audit_journal_structure_time ON audit_journal (structure_id, occurred_at)');
    await db.query(`
      CREATE FUNCTION audit_journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_journal is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_journal_no_update_delete BEFORE UPDATE OR DELETE ON audit_journal
        FOR EACH ROW EXECUTE FUNCTION audit_journal_is_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_journal_no_truncate BEFORE TRUNCATE ON audit_journal
        FOR EACH STATEMENT EXECUTE FUNCTION audit_journal_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_journal');
    await db.query('DROP FUNCTION audit_journal_is_append_only');
    await db.query('DROP TABLE audit_outbox');
  }
}
