import pg from 'pg';

/** Drops the databases this run created (the template and any a crashed suite left behind). */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.RELAIS_TEST_RUN;
  if (!run) return;
  const admin = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/relais');
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'relais_test_%' AND datname LIKE $1",
      [`%${run}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
