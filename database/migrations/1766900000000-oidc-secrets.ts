import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OpenID provider's secrets that must outlive a change of SECRETS_KEY, encrypted under it
 * (KeyEncryption, the name as associated data): the key of the pairwise subjects, so that every
 * public service keeps seeing the same `sub` for a citizen after `secrets:rotate`.
 */
export class OidcSecrets1766900000000 implements MigrationInterface {
  name = 'OidcSecrets1766900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE oidc_secrets (
        name text PRIMARY KEY,
        secret_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE oidc_secrets');
  }
}
