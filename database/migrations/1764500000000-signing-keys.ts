import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform's signing keys (libs/signing). Exactly one key is active (partial unique index);
 * retired keys are kept forever, since old attestations are verified with them. Private keys are
 * stored encrypted only.
 */
export class SigningKeys1764500000000 implements MigrationInterface {
  name = 'SigningKeys1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE signing_keys (
        kid                   text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{43}$'),
        alg                   text NOT NULL CHECK (alg = 'ES256'),
        public_jwk            jsonb NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object' AND NOT public_jwk ? 'd'),
        private_jwk_encrypted text NOT NULL CHECK (private_jwk_encrypted LIKE 'v1.%'),
        status                text NOT NULL CHECK (status IN ('active', 'retired')),
        created_at            timestamptz NOT NULL DEFAULT now(),
        retired_at            timestamptz,
        CHECK ((status = 'retired') = (retired_at IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE signing_keys');
  }
}
