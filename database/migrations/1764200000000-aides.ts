import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Aide accounts, their memberships in structures, and invitation links. */
export class Aides1764200000000 implements MigrationInterface {
  name = 'Aides1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE aides (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email              text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
        given_name         text,
        family_name        text,
        profession         text,
        phone              text,
        active             boolean NOT NULL DEFAULT true,
        password_hash      text,
        totp_secret        text,
        totp_last_step     bigint,
        failed_logins      int NOT NULL DEFAULT 0,
        locked_until       timestamptz,
        last_login_at      timestamptz,
        dormancy_warned_at timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE UNIQUE INDEX aides_email_unique ON aides (lower(email))');
    await db.query(`
      CREATE TABLE memberships (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        aide_id               uuid NOT NULL REFERENCES aides (id),
        structure_id          uuid NOT NULL REFERENCES structures (id),
        role                  text NOT NULL CHECK (role IN ('aide', 'supervisor')),
        training_validated_at timestamptz,
        active                boolean NOT NULL DEFAULT true,
        created_at            timestamptz NOT NULL DEFAULT now(),
        UNIQUE (aide_id, structure_id)
      )`);
    await db.query('CREATE INDEX memberships_structure ON memberships (structure_id)');
    await db.query(`
      CREATE TABLE invitations (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        aide_id      uuid NOT NULL REFERENCES aides (id),
        structure_id uuid NOT NULL REFERENCES structures (id),
        token_hash   text NOT NULL UNIQUE,
        expires_at   timestamptz NOT NULL,
        used_at      timestamptz,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX invitations_aide ON invitations (aide_id) WHERE used_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE invitations');
    await db.query('DROP TABLE memberships');
    await db.query('DROP TABLE aides');
  }
}
