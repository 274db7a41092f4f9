import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit report exports (libs/reports): one row per export (who asked, what, progress, digest,
 * signature, expiry) and its file as 1 MiB bytea chunks, deleted with the row.
 */
export class ReportExports1765800000000 implements MigrationInterface {
  name = 'ReportExports1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE report_exports (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        requester_type  text NOT NULL CHECK (requester_type IN ('aide', 'operator', 'citizen')),
        requester_id    uuid NOT NULL,
        structure_id    uuid REFERENCES structures (id),
        criteria        jsonb NOT NULL,
        format          text NOT NULL CHECK (format IN ('pdf', 'csv')),
        status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        total           integer NOT NULL DEFAULT 0,
        done            integer NOT NULL DEFAULT 0,
        file_name       text NOT NULL,
        byte_size       bigint,
        sha256          text,
        signature       text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        expires_at      timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX report_exports_requester ON report_exports (requester_id, created_at)');
    await db.query('CREATE INDEX report_exports_expires_at ON report_exports (expires_at)');
    await db.query(`
      CREATE TABLE report_export_chunks (
        export_id uuid NOT NULL REFERENCES report_exports (id) ON DELETE CASCADE,
        n         integer NOT NULL,
        data      bytea NOT NULL,
        PRIMARY KEY (export_id, n)
      )`);
    // PDFs are compressed already and CSVs are written once, read once: skip TOAST compression.
    await db.query('ALTER TABLE report_export_chunks ALTER COLUMN data SET STORAGE EXTERNAL');
    // The aide filter of reports (actor_id) within a structure and period.
    await db.query(
      'CREATE INDEX audit_journal_structure_actor_time ON audit_journal (structure_id, actor_id, occurred_at)',
    );
    await db.query('CREATE INDEX audit_journal_citizen_time ON audit_journal (citizen_id, occurred_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX audit_journal_citizen_time');
    await db.query('DROP INDEX audit_journal_structure_actor_time');
    await db.query('DROP TABLE report_export_chunks');
    await db.query('DROP TABLE report_exports');
  }
}
