import { Test, type TestingModule } from '@nestjs/testing';
import { AuditAction, AuditActorType, AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { type AuditApp, auditApp, createTestEnvironment, insertStructure, type TestEnvironment } from '@relais/testing';

import { RetentionModule } from '../src/retention.module.js';
import { PersonalDataRetention } from '../src/services/personal-data-retention.service.js';

const DAY = 24 * 3600 * 1000;
const YEAR = 365.25 * DAY;

describe('Retention of citizens’ personal data', () => {
  let env: TestEnvironment;
  let audit: AuditApp;
  let moduleRef: TestingModule;
  let retention: PersonalDataRetention;
  let structureId: string;
  let aideId: string;

  beforeEach(async () => {
    env = await createTestEnvironment();
    audit = await auditApp();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, AuditModule, RetentionModule],
    }).compile();
    await moduleRef.init();
    retention = moduleRef.get(PersonalDataRetention);
    structureId = await insertStructure(audit.dataSource);
    [{ id: aideId }] = await audit.dataSource.query(
      `INSERT INTO aides (email) VALUES ('aide-' || gen_random_uuid() || '@example.fr') RETURNING id`,
    );
  });

  afterEach(async () => {
    await moduleRef.close();
    await audit.close();
    await env.dispose();
  });

  /** A citizen as FranceConnect identified them, with a journaled event about them. */
  const citizen = async (givenName: string) => {
    const [{ id }] = await audit.dataSource.query(
      `INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, birthplace, birthcountry,
                             email, search_name)
       VALUES ('sub-' || gen_random_uuid(), $1, 'Lefèvre', '1948-03-12', 'female', '75056', '99100',
               'zoe@example.fr', lower($1) || ' lefevre')
       RETURNING id`,
      [givenName],
    );
    await audit.dataSource.transaction((manager) =>
      audit.recorder.record(manager, {
        action: AuditAction.MandateConsented,
        actor: { type: AuditActorType.Citizen, id },
        citizenId: id,
        structureId,
      }),
    );
    return id as string;
  };

  /** A consented mandate of the citizen that started now and ends after `lengthMs`, with its attestation PDF. */
  const mandate = async (citizenId: string, lengthMs: number, status = 'expired') => {
    const [{ id }] = await audit.dataSource.query(
      `INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at, starts_at,
                             expires_at, consent_text_version, consent_evidence, seal)
       VALUES ($1, $2, $3, '{papers}', 'twelve_months', 'same_device', $4, now(), now(), now() + $5 * interval '1 ms',
               'v1', '{"channel": "same_device"}', 'seal')
       RETURNING id`,
      [structureId, aideId, citizenId, status, lengthMs],
    );
    await audit.dataSource.query(
      `INSERT INTO attestations (mandate_id, kind, code, seal, sha256, pdf)
       VALUES ($1, 'mandate', gen_random_uuid()::text, 'seal', encode(sha256(gen_random_uuid()::text::bytea), 'hex'),
               convert_to('%PDF Zoé Lefèvre', 'UTF8'))`,
      [id],
    );
    return id as string;
  };

  const citizenRow = async (id: string) =>
    (await audit.dataSource.query('SELECT * FROM citizens WHERE id = $1', [id]))[0];
  const pdfs = async (mandateId: string) =>
    (await audit.dataSource.query('SELECT pdf, sha256 FROM attestations WHERE mandate_id = $1', [mandateId]))[0];

  it('removes the personal data of a citizen whose only mandate ended more than six years ago', async () => {
    // Given a mandate that ends in a month
    const zoe = await citizen('Zoé');
    const old = await mandate(zoe, 30 * DAY);
    // When the clock is six years and two months later and the daily job runs
    const removed = await retention.removeExpiredPersonalData(new Date(Date.now() + 6 * YEAR + 60 * DAY));
    // Then the citizen is pseudonymous: names, birth, email and FranceConnect subject gone
    expect(removed).toBe(1);
    expect(await citizenRow(zoe)).toMatchObject({
      france_connect_sub: `removed:${zoe}`,
      given_name: '',
      family_name: '',
      birthdate: '0000-00-00',
      gender: '',
      birthplace: null,
      birthcountry: null,
      email: null,
      search_name: '',
      personal_data_removed_at: expect.any(Date),
    });
    // And the attestation PDF (which prints the name) is gone, its hash kept; the mandate stays
    expect(await pdfs(old)).toMatchObject({ pdf: null, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await audit.dataSource.query('SELECT status FROM mandates WHERE id = $1', [old])).toEqual([
      { status: 'expired' },
    ]);
  });

  it('journals the removal, and the journal still verifies with the citizen’s earlier entries', async () => {
    const zoe = await citizen('Zoé');
    await mandate(zoe, 30 * DAY);
    await audit.drain();
    await retention.removeExpiredPersonalData(new Date(Date.now() + 6 * YEAR + 60 * DAY));
    await audit.drain();
    const entries = await audit.dataSource.query(
      'SELECT action, details FROM audit_journal WHERE citizen_id = $1 ORDER BY seq',
      [zoe],
    );
    expect(entries.map((entry: { action: string }) => entry.action)).toEqual([
      AuditAction.MandateConsented,
      AuditAction.CitizenPersonalDataRemoved,
    ]);
    expect(entries[1].details).toEqual({ mandateIds: [expect.any(String)], retentionYears: 6 });
    expect(await audit.verifier.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('leaves a citizen whose mandate ended less than six years ago untouched', async () => {
    // Given a mandate that ends in a year
    const zoe = await citizen('Zoé');
    const recent = await mandate(zoe, YEAR, 'active');
    // When the clock is six years and two months later (it ended five years and two months before)
    const removed = await retention.removeExpiredPersonalData(new Date(Date.now() + 6 * YEAR + 60 * DAY));
    // Then nothing is removed
    expect(removed).toBe(0);
    expect(await citizenRow(zoe)).toMatchObject({
      given_name: 'Zoé',
      email: 'zoe@example.fr',
      personal_data_removed_at: null,
    });
    expect((await pdfs(recent)).pdf).not.toBeNull();
  });

  it('keeps a citizen with one old mandate and one that ended recently', async () => {
    const zoe = await citizen('Zoé');
    await mandate(zoe, 30 * DAY);
    await mandate(zoe, 3 * YEAR, 'active');
    expect(await retention.removeExpiredPersonalData(new Date(Date.now() + 6 * YEAR + 60 * DAY))).toBe(0);
    expect((await citizenRow(zoe)).given_name).toBe('Zoé');
  });

  it('counts a revoked mandate from its revocation', async () => {
    const zoe = await citizen('Zoé');
    const revoked = await mandate(zoe, YEAR, 'active');
    await audit.dataSource.query(`UPDATE mandates SET status = 'revoked', revoked_at = now() WHERE id = $1`, [revoked]);
    expect(await retention.removeExpiredPersonalData(new Date(Date.now() + 6 * YEAR + DAY))).toBe(1);
  });

  it('does nothing on a second run', async () => {
    const zoe = await citizen('Zoé');
    await mandate(zoe, DAY);
    const later = new Date(Date.now() + 7 * YEAR);
    expect(await retention.removeExpiredPersonalData(later)).toBe(1);
    expect(await retention.removeExpiredPersonalData(later)).toBe(0);
  });
});
