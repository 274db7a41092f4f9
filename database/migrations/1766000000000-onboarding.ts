import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Onboarding (libs/onboarding): structures asking to join, their single-use follow/amend links,
 * aide imports waiting for confirmation, and emails to an applicant (a notification's recipient
 * may now be a structure request: its supervisor's address).
 */
export class Onboarding1766000000000 implements MigrationInterface {
  name = 'Onboarding1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE structure_requests (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state                  text NOT NULL CHECK (state IN
                                 ('draft', 'submitted', 'changes_requested', 'accepted', 'refused', 'closed')),
        siret                  char(14) NOT NULL CHECK (siret ~ '^[0-9]{14}$'),
        name                   text NOT NULL,
        address                text NOT NULL,
        type                   text NOT NULL,
        areas                  text[] NOT NULL,
        supervisor_given_name  text NOT NULL,
        supervisor_family_name text NOT NULL,
        supervisor_email       text NOT NULL,
        planned_aides          jsonb NOT NULL DEFAULT '[]'::jsonb,
        department             text GENERATED ALWAYS AS (relais_department(address)) STORED,
        operator_message       text,
        structure_id           uuid REFERENCES structures (id),
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    // One open request per SIRET: the one check, so two simultaneous requests give one.
    await db.query(`
      CREATE UNIQUE INDEX structure_requests_open_siret ON structure_requests (siret)
       WHERE state IN ('draft', 'submitted', 'changes_requested')`);
    await db.query('CREATE INDEX structure_requests_state ON structure_requests (state, department, created_at)');
    await db.query(`
      CREATE TABLE structure_request_links (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id  uuid NOT NULL REFERENCES structure_requests (id),
        token_hash  char(64) NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await db.query('CREATE INDEX structure_request_links_request ON structure_request_links (request_id)');
    await db.query(`
      CREATE TABLE aide_imports (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash    char(64) NOT NULL UNIQUE,
        structure_id  uuid NOT NULL REFERENCES structures (id),
        actor_type    text NOT NULL,
        actor_id      uuid NOT NULL,
        rows          jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        confirmed_at  timestamptz
      )`);
    await db.query('CREATE INDEX aide_imports_expires ON aide_imports (expires_at) WHERE confirmed_at IS NULL');
    await db.query('ALTER TABLE notifications ADD COLUMN structure_request_id uuid REFERENCES structure_requests (id)');
    await db.query('ALTER TABLE notifications DROP CONSTRAINT notifications_one_recipient');
    await db.query(
      'ALTER TABLE notifications ADD CONSTRAINT notifications_one_recipient CHECK (num_nonnulls(aide_id, citizen_id, structure_request_id) = 1)',
    );
    await db.query(
      'CREATE INDEX notifications_structure_request ON notifications (structure_request_id) WHERE structure_request_id IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DELETE FROM notifications WHERE structure_request_id IS NOT NULL');
    await db.query('ALTER TABLE notifications DROP CONSTRAINT notifications_one_recipient');
    await db.query('ALTER TABLE notifications DROP COLUMN structure_request_id');
    await db.query(
      'ALTER TABLE notifications ADD CONSTRAINT notifications_one_recipient CHECK (num_nonnulls(aide_id, citizen_id) = 1)',
    );
    await db.query('DROP TABLE aide_imports');
    await db.query('DROP TABLE structure_request_links');
    await db.query('DROP TABLE structure_requests');
  }
}
