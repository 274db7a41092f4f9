import type { MigrationInterface, QueryRunner } from 'typeorm';

const AREAS = `'papers', 'family', 'social', 'work', 'housing', 'transport', 'money', 'justice', 'foreigners', 'leisure'`;

/**
 * Citizens (identity from FranceConnect), mandates, one authorisation row per procedure area, and
 * the attestations issued for them. A partial unique index makes sure one area is never covered
 * twice for a citizen in a structure; attestations keep the exact PDF bytes given out, so a file
 * can be checked byte for byte.
 */
export class Mandates1764600000000 implements MigrationInterface {
  name = 'Mandates1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE citizens (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        france_connect_sub  text NOT NULL UNIQUE,
        given_name          text NOT NULL,
        family_name         text NOT NULL,
        birthdate           text NOT NULL CHECK (birthdate ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        gender              text NOT NULL,
        birthplace          text,
        birthcountry        text,
        preferred_username  text,
        email               text,
        search_name         text NOT NULL,
        identity_updated_at timestamptz NOT NULL DEFAULT now(),
        created_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX citizens_search_name ON citizens (search_name text_pattern_ops)');
    await db.query(`
      CREATE TABLE mandates (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        structure_id         uuid NOT NULL REFERENCES structures (id),
        aide_id              uuid NOT NULL REFERENCES aides (id),
        citizen_id           uuid REFERENCES citizens (id),
        areas                text[] NOT NULL CHECK (cardinality(areas) > 0 AND areas <@ ARRAY[${AREAS}]),
        duration             text NOT NULL CHECK (duration IN ('one_day', 'one_month', 'six_months', 'twelve_months')),
        channel              text NOT NULL CHECK (channel IN ('same_device', 'remote')),
        status               text NOT NULL
                             CHECK (status IN ('pending_consent', 'active', 'expired', 'revoked', 'refused')),
        remote_token_hash    text UNIQUE,
        remote_expires_at    timestamptz,
        renews_mandate_id    uuid REFERENCES mandates (id),
        decided_at           timestamptz,
        starts_at            timestamptz,
        expires_at           timestamptz,
        consent_text_version text,
        consent_evidence     jsonb,
        seal                 text,
        revoked_at           timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        CHECK ((channel = 'remote') = (remote_token_hash IS NOT NULL AND remote_expires_at IS NOT NULL)),
        CHECK (status = 'pending_consent' OR decided_at IS NOT NULL),
        CHECK (status IN ('pending_consent', 'refused') OR (
          citizen_id IS NOT NULL AND starts_at IS NOT NULL AND expires_at > starts_at
          AND consent_text_version IS NOT NULL AND consent_evidence IS NOT NULL AND seal IS NOT NULL)),
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      )`);
    await db.query('CREATE INDEX mandates_structure ON mandates (structure_id, created_at DESC)');
    await db.query('CREATE INDEX mandates_citizen ON mandates (citizen_id)');
    await db.query(`
      CREATE TABLE mandate_procedures (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        mandate_id         uuid NOT NULL REFERENCES mandates (id),
        structure_id       uuid NOT NULL REFERENCES structures (id),
        citizen_id         uuid NOT NULL REFERENCES citizens (id),
        area               text NOT NULL CHECK (area IN (${AREAS})),
        in_force           boolean NOT NULL DEFAULT true,
        revoked_at         timestamptz,
        revocation_reason  text CHECK (revocation_reason IN ('revoked', 'replaced')),
        revoked_by_aide_id uuid REFERENCES aides (id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (mandate_id, area),
        CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL)),
        CHECK (revoked_at IS NULL OR NOT in_force)
      )`);
    // One area of one citizen is covered by at most one mandate of a structure at a time.
    await db.query(`
      CREATE UNIQUE INDEX mandate_procedures_one_in_force
        ON mandate_procedures (structure_id, citizen_id, area) WHERE in_force`);
    await db.query(`
      CREATE TABLE attestations (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        mandate_id uuid NOT NULL REFERENCES mandates (id),
        kind       text NOT NULL CHECK (kind IN ('mandate', 'revocation')),
        code       text NOT NULL UNIQUE,
        seal       text NOT NULL,
        sha256     text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        pdf        bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX attestations_mandate ON attestations (mandate_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE attestations');
    await db.query('DROP TABLE mandate_procedures');
    await db.query('DROP TABLE mandates');
    await db.query('DROP TABLE citizens');
  }
}
