import { testSiret } from './structures.js';

/** A pg.Client or a TypeORM DataSource. */
interface Db {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface MandateOwners {
  structureId: string;
  aideId: string;
  citizenId: string;
}

/** A structure, an aide and a citizen (with an email address) to own test mandates. */
export async function insertMandateOwners(db: Db): Promise<MandateOwners> {
  const one = async (sql: string, parameters: unknown[] = []) => {
    const result = (await db.query(sql, parameters)) as { rows?: Array<{ id: string }> } | Array<{ id: string }>;
    return (Array.isArray(result) ? result : result.rows!)[0].id;
  };
  const structureId = await one(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ($1, 'France Services', '1 rue de la Paix', 'france_services', '{papers,money}') RETURNING id`,
    [testSiret()],
  );
  const aideId = await one(
    `INSERT INTO aides (email) VALUES ('aide-' || gen_random_uuid() || '@example.fr') RETURNING id`,
  );
  const citizenId = await one(
    `INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, email, search_name)
     VALUES (gen_random_uuid()::text, 'Angela', 'Dubois', '1962-08-24', 'female', 'angela@example.fr', 'angela dubois')
     RETURNING id`,
  );
  return { structureId, aideId, citizenId };
}

/** `count` active mandates ending at `expiresAt` (rows written directly: no delayed job is scheduled). */
export async function insertActiveMandates(
  db: Db,
  owners: MandateOwners,
  count: number,
  expiresAt: Date,
): Promise<string[]> {
  const result = await db.query(
    `INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at, starts_at,
                           expires_at, consent_text_version, consent_evidence, seal)
     SELECT $1, $2, $3, '{papers}', 'one_day', 'same_device', 'active', $4::timestamptz - interval '1 day',
            $4::timestamptz - interval '1 day', $4, '2026-01', '{}'::jsonb, 'test-seal'
       FROM generate_series(1, $5)
     RETURNING id`,
    [owners.structureId, owners.aideId, owners.citizenId, expiresAt, count],
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}
