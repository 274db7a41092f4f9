import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators: accounts allowed on the operator pages (public services). An operator logs in like
 * any aide (password, TOTP); the flag is granted and withdrawn from the CLI only.
 */
export class Operators1764900000000 implements MigrationInterface {
  name = 'Operators1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE aides ADD COLUMN operator boolean NOT NULL DEFAULT false');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE aides DROP COLUMN operator');
  }
}
