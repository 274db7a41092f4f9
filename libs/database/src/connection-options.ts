import type { DataSourceOptions } from 'typeorm';

/** Options shared by the Nest apps, the migration data source and the tests. Never synchronize. */
export function connectionOptions(url: string, poolSize = 10): DataSourceOptions & { type: 'postgres' } {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    // Failed queries reach the caller and the exception filter; TypeORM's own logging would print
    // parameters, which can hold personal data.
    logging: false,
    extra: { max: poolSize, application_name: 'relais' },
  };
}
