import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Translations of the consent text versions, one row per revision: the latest of a version and a
 * language is shown beside the French text; a mandate keeps the words it was shown in its consent
 * facts, whatever is added later.
 */
export class ConsentTranslations1766100000000 implements MigrationInterface {
  name = 'ConsentTranslations1766100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE consent_translations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        text_version text NOT NULL,
        lang text NOT NULL,
        revision integer NOT NULL CHECK (revision > 0),
        template jsonb NOT NULL,
        digest text NOT NULL,
        reviewed boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (text_version, lang, revision)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE consent_translations');
  }
}
