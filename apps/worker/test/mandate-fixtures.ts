import { testSiret } from '@relais/testing';
import type pg from 'pg';

export interface MandateOwners {
  structureId: string;
  aideId: string;
  citizenId: string;
}

/** A structure, an aide and a citizen (with an email address) to own test mandates. */
export async function insertMandateOwners(db: pg.Client): Promise<MandateOwners> {
  const structure = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ($1, 'France Services', '1 rue de la Paix', 'france_services', '{papers,money}') RETURNING id`,
    [testSiret()],
  );
  const aide = await db.query(
    `INSERT INTO aides (email) VALUES ('aide-' || gen_random_uuid() || '@example.fr') RETURNING id`,
  );
  const citizen = await db.query(
    `INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, email, search_name)
     VALUES (gen_random_uuid()::text, 'Angela', 'Dubois', '1962-08-24', 'female', 'angela@example.fr', 'angela dubois')
     RETURNING id`,
  );
  return { structureId: structure.rows[0].id, aideId: aide.rows[0].id, citizenId: citizen.rows[0].id };
}

/** `count` active mandates ending at `expiresAt` (rows written directly: no delayed job is scheduled). */
export async function insertActiveMandates(
  db: pg.Client,
  owners: MandateOwners,
  count: number,
  expiresAt: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at, starts_at,
                           expires_at, consent_text_version, consent_evidence, seal)
     SELECT $1, $2, $3, '{papers}', 'one_day', 'same_device', 'active', $4::timestamptz - interval '1 day',
            $4::timestamptz - interval '1 day', $4, '2026-01', '{}'::jsonb, 'test-seal'
       FROM generate_series(1, $5)`,
    [owners.structureId, owners.aideId, owners.citizenId, expiresAt, count],
  );
}
