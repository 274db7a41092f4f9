import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Structures and their perimeter. The checks repeat the service's rules so that no write, by
 * whatever path, stores a malformed SIRET, an unknown type or area, or an empty perimeter.
 * Names sort in French order (ICU collation), accents included.
 */
export class Structures1764100000000 implements MigrationInterface {
  name = 'Structures1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE structures (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        siret      char(14) NOT NULL,
        name       text COLLATE "fr-x-icu" NOT NULL,
        address    text NOT NULL,
        type       text NOT NULL,
        areas      text[] NOT NULL,
        active     boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT structures_siret_key UNIQUE (siret),
        CONSTRAINT structures_siret_format CHECK (siret ~ '^[0-9]{14}$'),
        CONSTRAINT structures_name_present CHECK (btrim(name) <> ''),
        CONSTRAINT structures_type_known CHECK (
          type IN ('france_services', 'ccas', 'town_hall', 'social_services', 'association', 'other')
        ),
        CONSTRAINT structures_areas_not_empty CHECK (cardinality(areas) > 0),
        CONSTRAINT structures_areas_known CHECK (
          areas <@ ARRAY['papers', 'family', 'social', 'work', 'housing', 'transport', 'money', 'justice',
                         'foreigners', 'leisure']::text[]
        )
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE structures');
  }
}
