import { randomUUID } from 'node:crypto';

import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

import { MandateStatus } from '../src/enums/mandate-status.enum.js';
import {
  AREA_UNUSABLE_REASON_SQL,
  mandateUsability,
  type MandateUsabilityFacts,
} from '../src/services/mandate-usability.js';

/** The rule's reason in SQL over rows of facts (no table needed): m, s and p as the rule names them. */
const REASON_SQL = `
  SELECT f.i, ${AREA_UNUSABLE_REASON_SQL.replaceAll(':now', '$1')} AS reason
    FROM jsonb_to_recordset($2::jsonb)
           AS f (i int, status text, starts_at timestamptz, expires_at timestamptz, active boolean, procedure_id uuid,
                 revoked_at timestamptz)
   CROSS JOIN LATERAL (SELECT f.status, f.starts_at, f.expires_at) m
   CROSS JOIN LATERAL (SELECT f.active) s
   CROSS JOIN LATERAL (SELECT f.procedure_id AS id, f.revoked_at) p
   ORDER BY f.i`;

describe('mandateUsability in SQL (AREA_UNUSABLE_REASON_SQL), for statements that decide and act at once', () => {
  let env: TestEnvironment;
  let client: pg.Client;

  beforeAll(async () => {
    env = await createTestEnvironment();
    client = new pg.Client(env.databaseUrl);
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await env.dispose();
  });

  it('gives the reason the TypeScript rule gives, for every combination of facts, NULL when usable', async () => {
    const now = new Date('2026-12-01T12:00:00.123Z');
    const at = (ms: number) => new Date(now.getTime() + ms);
    const instants = [null, at(-86_400_000), at(-1), at(0), at(1), at(86_400_000)];
    const cases: MandateUsabilityFacts[] = [];
    for (const status of Object.values(MandateStatus)) {
      for (const startsAt of instants) {
        for (const expiresAt of instants) {
          for (const structureActive of [true, false]) {
            for (const procedure of [
              null,
              { revokedAt: null },
              { revokedAt: at(-1) },
              { revokedAt: at(0) },
              { revokedAt: at(1) },
            ]) {
              cases.push({ status, startsAt, expiresAt, structureActive, procedure });
            }
          }
        }
      }
    }
    const { rows } = await client.query<{ i: number; reason: string | null }>(REASON_SQL, [
      now,
      JSON.stringify(
        cases.map((facts, i) => ({
          i,
          status: facts.status,
          starts_at: facts.startsAt,
          expires_at: facts.expiresAt,
          active: facts.structureActive,
          procedure_id: facts.procedure ? randomUUID() : null,
          revoked_at: facts.procedure?.revokedAt ?? null,
        })),
      ),
    ]);
    expect(rows).toHaveLength(cases.length);
    let usable = 0;
    cases.forEach((facts, i) => {
      const expected = mandateUsability(facts, now);
      expect({ facts, reason: rows[i].reason }).toEqual({ facts, reason: expected.usable ? null : expected.reason });
      if (expected.usable) usable += 1;
    });
    // The grid reaches the usable case too, not only refusals.
    expect(usable).toBeGreaterThan(0);
  });
});
