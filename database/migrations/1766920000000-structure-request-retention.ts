import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests to join refused or closed long ago lose their personal data (retention job). */
export class StructureRequestRetention1766920000000 implements MigrationInterface {
  name = 'StructureRequestRetention1766920000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE structure_requests ADD COLUMN personal_data_removed_at timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE structure_requests DROP COLUMN personal_data_removed_at');
  }
}
