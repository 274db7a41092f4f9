import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OpenID provider's signing keys can be replaced (`oidc-keys:rotate`): one key in use per
 * algorithm, and retired ones kept in the JWKS for a day, for the tokens they signed.
 */
export class OidcKeyRotation1766910000000 implements MigrationInterface {
  name = 'OidcKeyRotation1766910000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE oidc_signing_keys DROP CONSTRAINT oidc_signing_keys_alg_key');
    await db.query('ALTER TABLE oidc_signing_keys ADD COLUMN retired_at timestamptz');
    await db.query(
      'CREATE UNIQUE INDEX oidc_signing_keys_one_in_use_per_alg ON oidc_signing_keys (alg) WHERE retired_at IS NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DELETE FROM oidc_signing_keys WHERE retired_at IS NOT NULL');
    await db.query('DROP INDEX oidc_signing_keys_one_in_use_per_alg');
    await db.query('ALTER TABLE oidc_signing_keys DROP COLUMN retired_at');
    await db.query('ALTER TABLE oidc_signing_keys ADD CONSTRAINT oidc_signing_keys_alg_key UNIQUE (alg)');
  }
}
