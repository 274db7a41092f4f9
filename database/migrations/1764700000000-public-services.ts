import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One redirect URI as the service accepts it: https with a host, or http toward localhost or
 * 127.0.0.1; no fragment, no whitespace. A list is checked joined by line breaks, which no URI holds.
 */
const URI = String.raw`(https://[^/?#[:space:]][^#[:space:]]*|http://(localhost|127\.0\.0\.1)(:[0-9]+)?([/?][^#[:space:]]*)?)`;
const URI_LIST = String.raw`^${URI}(\n${URI})*$`;

/**
 * The registry of public services (OpenID Connect clients of Relais). The checks repeat the
 * service's rules so that no write, by whatever path, stores a malformed client_id, a secret in
 * clear instead of its SHA-256, an unsafe redirect URI, or an unknown or empty list of areas.
 * Names sort in French order (ICU collation), accents included.
 */
export class PublicServices1764700000000 implements MigrationInterface {
  name = 'PublicServices1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE public_services (
        id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id                 text NOT NULL,
        name                      text COLLATE "fr-x-icu" NOT NULL,
        secret_hash               text NOT NULL,
        redirect_uris             text[] NOT NULL,
        post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
        areas                     text[] NOT NULL,
        active                    boolean NOT NULL DEFAULT true,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT public_services_client_id_key UNIQUE (client_id),
        CONSTRAINT public_services_client_id_format CHECK (client_id ~ '^ps_[0-9a-f]{16}$'),
        CONSTRAINT public_services_name_present CHECK (btrim(name) <> '' AND char_length(name) <= 100),
        CONSTRAINT public_services_secret_hash_format CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT public_services_redirect_uris_valid CHECK (
          array_to_string(redirect_uris, E'\\n', '') ~ '${URI_LIST}'
        ),
        CONSTRAINT public_services_post_logout_redirect_uris_valid CHECK (
          cardinality(post_logout_redirect_uris) = 0
          OR array_to_string(post_logout_redirect_uris, E'\\n', '') ~ '${URI_LIST}'
        ),
        CONSTRAINT public_services_areas_not_empty CHECK (cardinality(areas) > 0),
        CONSTRAINT public_services_areas_known CHECK (
          areas <@ ARRAY['papers', 'family', 'social', 'work', 'housing', 'transport', 'money', 'justice',
                         'foreigners', 'leisure']::text[]
        )
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE public_services');
  }
}
