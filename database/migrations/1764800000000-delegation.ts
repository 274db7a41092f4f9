import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delegated login: the OpenID provider's signing keys (ES256 and RS256, encrypted at rest) and one
 * row per delegated login (who acted for whom, under which mandate and area, at which public
 * service), which the provider's account lookup re-checks at every use.
 */
export class Delegation1764800000000 implements MigrationInterface {
  name = 'Delegation1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE oidc_signing_keys (
        kid                   text PRIMARY KEY,
        alg                   text NOT NULL UNIQUE CHECK (alg IN ('ES256', 'RS256')),
        private_jwk_encrypted text NOT NULL CHECK (private_jwk_encrypted LIKE 'v1.%'),
        created_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE delegations (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        public_service_id uuid NOT NULL REFERENCES public_services (id),
        aide_id           uuid NOT NULL REFERENCES aides (id),
        structure_id      uuid NOT NULL REFERENCES structures (id),
        citizen_id        uuid NOT NULL REFERENCES citizens (id),
        mandate_id        uuid NOT NULL REFERENCES mandates (id),
        area              text NOT NULL,
        amr               text[] NOT NULL,
        grant_id          text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        ended_at          timestamptz
      )`);
    await db.query('CREATE INDEX delegations_mandate ON delegations (mandate_id) WHERE ended_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE delegations');
    await db.query('DROP TABLE oidc_signing_keys');
  }
}
