import { Test, type TestingModule } from '@nestjs/testing';
import { AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { createTestEnvironment, testSiret, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { RetentionModule } from '../src/retention.module.js';
import { PersonalDataRetention } from '../src/services/personal-data-retention.service.js';

const MONTH = 30.5 * 24 * 3600 * 1000;

describe('Retention of requests to join', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let retention: PersonalDataRetention;
  let db: DataSource;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, AuditModule, RetentionModule],
    }).compile();
    await moduleRef.init();
    retention = moduleRef.get(PersonalDataRetention);
    db = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  /** A request in `state`, last changed `monthsAgo` months ago, with an applicant and a planned aide. */
  const request = async (state: string, monthsAgo: number) => {
    const [{ id }] = await db.query(
      `INSERT INTO structure_requests (state, siret, name, address, type, areas, supervisor_given_name,
                                       supervisor_family_name, supervisor_email, planned_aides, operator_message, updated_at)
       VALUES ($1, $2, 'France Services Belleville', '12 rue de Belleville 75020 Paris', 'france_services', '{papers}',
               'Camille', 'Martin', 'camille.martin@example.fr',
               '[{"givenName":"Paul","familyName":"Durand","email":"paul@example.fr","trained":true}]',
               'Merci de préciser l’adresse de Camille Martin.', $3)
       RETURNING id`,
      [state, testSiret(), new Date(Date.now() - monthsAgo * MONTH)],
    );
    return id as string;
  };

  const row = async (id: string) =>
    (
      await db.query(
        `SELECT siret, name, supervisor_given_name, supervisor_family_name, supervisor_email, planned_aides,
                operator_message, personal_data_removed_at FROM structure_requests WHERE id = $1`,
        [id],
      )
    )[0];

  it('removes the applicant and the planned aides from requests refused or closed over 12 months ago, journaled, once', async () => {
    const refused = await request('refused', 13);
    const closed = await request('closed', 14);
    const recentRefusal = await request('refused', 11);
    const accepted = await request('accepted', 30);
    const submitted = await request('submitted', 30);

    expect(await retention.removeEndedStructureRequests()).toBe(2);

    for (const id of [refused, closed]) {
      expect(await row(id)).toMatchObject({
        name: 'France Services Belleville',
        supervisor_given_name: '',
        supervisor_family_name: '',
        supervisor_email: '',
        planned_aides: [],
        operator_message: null,
        personal_data_removed_at: expect.any(Date),
      });
      expect(JSON.stringify(await row(id))).not.toMatch(/Camille|Martin|Paul|Durand|example\.fr/);
    }
    for (const id of [recentRefusal, accepted, submitted]) {
      expect(await row(id)).toMatchObject({
        supervisor_email: 'camille.martin@example.fr',
        personal_data_removed_at: null,
      });
    }
    const journaled = await db.query(
      `SELECT details->>'requestId' AS id, actor_type FROM audit_outbox
        WHERE action = 'structure_request.personal_data_removed' ORDER BY 1`,
    );
    expect(journaled).toEqual([refused, closed].sort().map((id) => ({ id, actor_type: 'system' })));

    // A second run finds nothing more to do and journals nothing more.
    expect(await retention.removeEndedStructureRequests()).toBe(0);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'structure_request.personal_data_removed'`,
    );
    expect(n).toBe(2);
  });
});
