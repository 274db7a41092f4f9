import type { DataSourceOptions } from 'typeorm';

/** Options shared by the Nest apps, the migration data source and the tests. Never synchronize. */
export function connectionOptions(url: string, poolSize = 10): DataSourceOptions & { type: 'postgres' } {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: poolSize, application_name: 'relais' },
  };
}
