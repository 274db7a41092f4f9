import { createTestEnvironment, insertMandateOwners, type MandateOwners, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

/**
 * The unique indexes that leave NULL keys out (migration 1766310000000) still refuse a value
 * twice, and ON CONFLICT on them still finds its index.
 */
describe('mandates: unique keys without their NULLs', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let owners: MandateOwners;

  const remoteMandate = (tokenHash: string) =>
    db.query(
      `INSERT INTO mandates (structure_id, aide_id, areas, duration, channel, status, remote_token_hash,
                             remote_expires_at)
       VALUES ($1, $2, '{papers}', 'one_day', 'remote', 'pending_consent', $3, now() + interval '1 day')`,
      [owners.structureId, owners.aideId, tokenHash],
    );
  const citizenEmail = (dedupKey: string | null, onConflict: string) =>
    db.query(
      `INSERT INTO notifications (citizen_id, kind, dedup_key) VALUES ($1, 'citizen_uses_digest', $2) ${onConflict}`,
      [owners.citizenId, dedupKey],
    );
  const emails = async () =>
    (await db.query('SELECT count(*)::int AS n FROM notifications WHERE citizen_id = $1', [owners.citizenId])).rows[0]
      .n as number;

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    owners = await insertMandateOwners(db);
  });

  afterAll(async () => {
    await db?.end();
    await env?.dispose();
  });

  it('refuses a second mandate with the same remote link token', async () => {
    // Given a remote mandate waiting for consent
    await remoteMandate('a'.repeat(64));
    // When another one gets the same token hash, then PostgreSQL refuses it
    await expect(remoteMandate('a'.repeat(64))).rejects.toMatchObject({ code: '23505' });
  });

  it('finds a mandate by its remote link token through the index', async () => {
    // Given a remote mandate
    await remoteMandate('b'.repeat(64));
    // When it is looked up by its token hash (sequential scans off: the table is tiny)
    await db.query('SET enable_seqscan = off');
    const plan = await db.query("EXPLAIN SELECT id FROM mandates WHERE remote_token_hash = 'bbbb'");
    await db.query('RESET enable_seqscan');
    // Then the partial unique index can serve the lookup
    expect(plan.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n')).toContain(
      'mandates_remote_token_hash_key',
    );
  });

  it('queues an email with a dedup key once, with or without a conflict target', async () => {
    // Given an email queued with a dedup key
    const before = await emails();
    await citizenEmail('digest:1', 'ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING');
    // When the same key is queued again, by the jobs' statement and by TypeORM's orIgnore() form
    await citizenEmail('digest:1', 'ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING');
    await citizenEmail('digest:1', 'ON CONFLICT DO NOTHING');
    // Then one email is queued, and a plain insert is refused
    expect(await emails()).toBe(before + 1);
    await expect(citizenEmail('digest:1', '')).rejects.toMatchObject({ code: '23505' });
  });

  it('queues any number of emails without a dedup key', async () => {
    // Given emails without a dedup key
    const before = await emails();
    // When three are queued
    for (let i = 0; i < 3; i++) await citizenEmail(null, '');
    // Then all three are there
    expect(await emails()).toBe(before + 3);
  });
});
