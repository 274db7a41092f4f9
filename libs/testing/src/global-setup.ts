import { randomBytes } from 'node:crypto';

/**
 * Names this test run. Jest loads this file outside its module mapping, so it imports nothing
 * from the project: the first suite that needs a database builds the run's migrated template
 * (see test-environment.ts), and global-teardown drops every database of the run.
 */
export default async function globalSetup(): Promise<void> {
  process.env.RELAIS_TEST_RUN = randomBytes(4).toString('hex');
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
}
