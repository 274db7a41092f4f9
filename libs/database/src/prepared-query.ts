import type { DataSource } from 'typeorm';

/** node-postgres' pool under TypeORM: it sends named (prepared) statements, TypeORM's query() cannot. */
interface PreparingPool {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * Runs a named (prepared) statement on the data source's pool: parsed and planned once per
 * connection, for the statements of a hot path. `name` must be unique per statement text.
 */
export async function preparedQuery<R>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master: PreparingPool }).master;
  const { rows } = await pool.query<R>({ name, text, values });
  return rows;
}
