import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The département of a structure, derived from the postcode of its address (the last group of
 * five digits): 2A/2B for Corsica (20000–20199 / 20200–20699), three digits overseas (97x, 98x).
 * A generated column, so it can never disagree with the address.
 */
export class StructureDepartment1765400000000 implements MigrationInterface {
  name = 'StructureDepartment1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION relais_department(address text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN postcode IS NULL THEN NULL
          WHEN postcode ~ '^9[78]' THEN left(postcode, 3)
          WHEN postcode ~ '^20[01]' THEN '2A'
          WHEN postcode ~ '^20' THEN '2B'
          ELSE left(postcode, 2)
        END
        FROM (SELECT (regexp_match(address, '.*\\m([0-9]{5})\\M'))[1] AS postcode) AS found
      $$`);
    await db.query(
      'ALTER TABLE structures ADD COLUMN department text GENERATED ALWAYS AS (relais_department(address)) STORED',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE structures DROP COLUMN department');
    await db.query('DROP FUNCTION relais_department(text)');
  }
}
