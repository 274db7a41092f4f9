import {
  createTestEnvironment,
  insertActiveMandates,
  insertMandateOwners,
  runCli,
  type TestEnvironment,
} from '@relais/testing';
import pg from 'pg';

describe('operator CLI: citizen-emails:run queues what the daily jobs queue', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  const plain = (text: string) => text.replace(/\u00a0/g, ' ');

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('given a mandate used on a day, when run for that day twice, then one digest is queued, and nothing the second time', async () => {
    const owners = await insertMandateOwners(db);
    const [mandateId] = await insertActiveMandates(db, owners, 1, new Date(Date.now() + 90 * 86_400_000));
    await db.query(
      `WITH ps AS (INSERT INTO public_services (client_id, name, secret_hash, redirect_uris, areas)
                   VALUES ('ps_' || substr(md5(random()::text), 1, 16), 'Impôts', repeat('a', 64), '{https://s.example/cb}', '{papers}') RETURNING id)
       INSERT INTO delegations (public_service_id, aide_id, structure_id, citizen_id, mandate_id, area, amr, created_at)
       SELECT ps.id, $1, $2, $3, $4, 'papers', '{pwd,otp}', '2026-11-20T09:05:00Z' FROM ps`,
      [owners.aideId, owners.structureId, owners.citizenId, mandateId],
    );

    const first = await runCli(env, ['citizen-emails:run', '--day', '2026-11-20']);
    const second = await runCli(env, ['citizen-emails:run', '--day', '2026-11-20']);

    expect(first.code).toBe(0);
    expect(plain(first.stdout)).toContain('Utilisations du 20 novembre 2026 : 1 courriel ajouté.');
    expect(plain(second.stdout)).toContain('Utilisations du 20 novembre 2026 : aucun courriel ajouté.');
    const { rows } = await db.query(
      "SELECT payload FROM notifications WHERE citizen_id = $1 AND kind = 'citizen_mandate_used'",
      [owners.citizenId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].payload).toMatchObject({
      mandateId,
      day: '2026-11-20',
      uses: [{ at: '2026-11-20T09:05:00.000Z', publicService: 'Impôts', area: expect.stringMatching(/^Papiers/) }],
    });
  }, 90_000);

  it('refuses a day that is not a date, naming the option, exit code 1', async () => {
    const result = await runCli(env, ['citizen-emails:run', '--day', '2026-02-30']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--day doit être une date AAAA-MM-JJ');
  }, 60_000);
});
