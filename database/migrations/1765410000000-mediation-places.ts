import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Digital mediation places (the national open-data schema "lieux de médiation numérique"), loaded
 * by the operator from a file, shown to citizens at /lieux. Public data: no personal data.
 */
export class MediationPlaces1765410000000 implements MigrationInterface {
  name = 'MediationPlaces1765410000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE mediation_places (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_id          text NOT NULL UNIQUE,
        name               text NOT NULL CHECK (btrim(name) <> ''),
        street             text NOT NULL,
        address_complement text,
        postcode           char(5) NOT NULL CHECK (postcode ~ '^[0-9]{5}$'),
        town               text NOT NULL,
        department         text GENERATED ALWAYS AS (relais_department(postcode)) STORED,
        search_town        text NOT NULL,
        latitude           double precision CHECK (latitude BETWEEN -90 AND 90),
        longitude          double precision CHECK (longitude BETWEEN -180 AND 180),
        opening_hours      text,
        services           text[] NOT NULL DEFAULT '{}',
        specific_support   text[] NOT NULL DEFAULT '{}',
        access_modes       text[] NOT NULL DEFAULT '{}',
        support_modes      text[] NOT NULL DEFAULT '{}',
        fees               text[] NOT NULL DEFAULT '{}',
        accessibility_url  text,
        phone              text,
        emails             text[] NOT NULL DEFAULT '{}',
        website            text,
        updated_on         date NOT NULL,
        imported_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX mediation_places_postcode ON mediation_places (postcode)');
    await db.query('CREATE INDEX mediation_places_department ON mediation_places (department)');
    await db.query('CREATE INDEX mediation_places_town ON mediation_places (search_town text_pattern_ops)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE mediation_places');
  }
}
