import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent facts (who acts, for whom, which areas, from when to when, the consent text's version
 * and exact words) kept with the mandate: the consent page and the attestation are rendered from
 * them, and the seal covers their digest. Mandates consented before keep null (their attestation's
 * bytes are kept).
 */
export class ConsentFacts1765000000000 implements MigrationInterface {
  name = 'ConsentFacts1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE mandates ADD COLUMN consent_facts jsonb');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE mandates DROP COLUMN consent_facts');
  }
}
