import { testSiret } from './structures.js';
import type { DataSource } from 'typeorm';

/** A structure with its aide, at an address (the département comes from its postcode). */
export async function seedStructure(db: DataSource, address: string): Promise<{ structureId: string; aideId: string }> {
  const [structure] = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ($1, 'Structure', $2, 'france_services', '{papers,money}') RETURNING id`,
    [testSiret(), address],
  );
  const [aide] = await db.query(
    `INSERT INTO aides (email, given_name, family_name) VALUES ($1, 'Aide', 'Test') RETURNING id`,
    [`aide-${structure.id}@example.fr`],
  );
  return { structureId: structure.id, aideId: aide.id };
}

/**
 * `count` citizens, each with a mandate consented at `at` (six months, papers and money) and
 * `logins` delegated logins at the same time. Names are recognisable, to prove none is published.
 */
export async function seedActivity(
  db: DataSource,
  place: { structureId: string; aideId: string },
  at: Date,
  count: number,
  logins = 1,
): Promise<void> {
  const [service] = await db.query(
    `INSERT INTO public_services (client_id, name, secret_hash, redirect_uris, areas)
     VALUES ('ps_' || substr(md5(random()::text), 1, 16), 'Service', repeat('a', 64), '{https://s.example/cb}', '{papers}')
     RETURNING id`,
  );
  await db.query(
    `WITH c AS (
       INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, search_name)
       SELECT 'sub-' || gen_random_uuid(), 'Personnelle', 'Nominative', '1970-01-01', 'female', 'personnelle nominative'
         FROM generate_series(1, $3::int)
       RETURNING id),
     m AS (
       INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at,
                             starts_at, expires_at, consent_text_version, consent_evidence, seal)
       SELECT $1, $2, c.id, '{papers,money}', 'six_months', 'same_device', 'active', $4,
              $4, $4::timestamptz + interval '180 days', '2026-11-v1', '{}', 'test'
         FROM c
       RETURNING id, citizen_id)
     INSERT INTO delegations (public_service_id, aide_id, structure_id, citizen_id, mandate_id, area, amr, created_at)
     SELECT $5, $2, $1, m.citizen_id, m.id, 'papers', '{pwd,otp}', $4 FROM m CROSS JOIN generate_series(1, $6::int)`,
    [place.structureId, place.aideId, count, at, service.id, logins],
  );
}
