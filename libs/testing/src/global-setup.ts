import { randomBytes } from 'node:crypto';

import { ensureDatabase } from '@relais/database';

import { createDataSource } from '../../../database/data-source.js';

/**
 * Creates one migrated template database for the whole run; each test suite clones it
 * (testDatabase()), so suites never share data and never touch the demo database.
 */
export default async function globalSetup(): Promise<void> {
  const base = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/relais');
  base.pathname = `/relais_test_tpl_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(base.toString());
  const dataSource = createDataSource(base.toString());
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  process.env.RELAIS_TEST_TEMPLATE_URL = base.toString();
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
}
