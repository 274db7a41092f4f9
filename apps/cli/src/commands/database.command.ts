import { loadConfig } from '@relais/config';
import { ensureDatabase } from '@relais/database';

import { createDataSource } from '../../../../database/data-source.js';
import type { CommandRegistration } from '../cli-context.js';

/** Creates the database if needed and applies every pending migration. */
export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const dataSource = await createDataSource(url).initialize();
  try {
    const applied = await dataSource.runMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

export const databaseCommands: CommandRegistration = (program) => {
  program
    .command('db:migrate')
    .description('Create the database if it does not exist and apply pending migrations')
    .action(async () => {
      const applied = await migrate(loadConfig().DATABASE_URL);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    });

  program
    .command('db:revert')
    .description('Revert the most recent migration')
    .action(async () => {
      const dataSource = await createDataSource(loadConfig().DATABASE_URL).initialize();
      try {
        await dataSource.undoLastMigration();
        console.log('Reverted the last migration.');
      } finally {
        await dataSource.destroy();
      }
    });
};
