import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a public service receives the `act` claim (who acts for the citizen), on by default:
 * a federation that isolates identity providers from services may need it off.
 */
export class PublicServiceAct1765900000000 implements MigrationInterface {
  name = 'PublicServiceAct1765900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE public_services ADD COLUMN disclose_act boolean NOT NULL DEFAULT true');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE public_services DROP COLUMN disclose_act');
  }
}
