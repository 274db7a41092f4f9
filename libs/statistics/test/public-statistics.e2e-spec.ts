import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { createTestEnvironment, seedActivity, seedStructure, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { Indicator, PublicStatisticsService, StatisticsModule } from '../src/index.js';

describe('public statistics', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let statistics: PublicStatisticsService;
  const NOW = new Date('2026-06-15T10:00:00Z');

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, StatisticsModule],
    }).compile();
    db = moduleRef.get(DataSource);
    statistics = moduleRef.get(PublicStatisticsService);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.dispose();
  });

  beforeEach(() => db.query('TRUNCATE delegations, mandates, citizens, public_services, aides, structures CASCADE'));

  it('derives the département from the postcode: Paris, Corsica (2A, 2B), overseas, none', async () => {
    const addresses = {
      '12 rue de Belleville, 75020 Paris': '75',
      '3 cours Napoléon, 20000 Ajaccio': '2A',
      '1 boulevard Paoli, 20200 Bastia': '2B',
      '5 rue de Paris, 97400 Saint-Denis': '974',
      '8 place de la Mairie, 01000 Bourg-en-Bresse': '01',
      'Mairie, sans code postal': null,
    };
    for (const address of Object.keys(addresses)) await seedStructure(db, address);

    const rows: { address: string; department: string | null }[] = await db.query(
      'SELECT address, department FROM structures',
    );

    expect(Object.fromEntries(rows.map((row) => [row.address, row.department]))).toEqual(addresses);
  });

  it('counts each figure by month and by département, over the last twelve months', async () => {
    // Given 6 people helped in Paris in May (2 logins each) and 7 in Ajaccio in June
    const paris = await seedStructure(db, '12 rue de Belleville, 75020 Paris');
    const ajaccio = await seedStructure(db, '3 cours Napoléon, 20000 Ajaccio');
    await seedActivity(db, paris, new Date('2026-05-10T09:00:00Z'), 6, 2);
    await seedActivity(db, ajaccio, new Date('2026-06-02T09:00:00Z'), 7);
    // and activity older than twelve months, which is left out
    await seedActivity(db, paris, new Date('2025-05-31T12:00:00Z'), 9);

    const figures = await statistics.compute(NOW);

    expect(figures.from).toBe('2025-07');
    expect(figures.to).toBe('2026-06');
    expect(figures.months).toHaveLength(12);
    const may = figures.months.find((month) => month.month === '2026-05')!.values;
    expect(may).toMatchObject({
      [Indicator.DelegatedLogins]: 12,
      [Indicator.MandatesCreated]: 6,
      [Indicator.PeopleHelped]: 6,
    });
    const june = figures.months.find((month) => month.month === '2026-06')!.values;
    expect(june[Indicator.MandatesInForce]).toBe(13);
    expect(figures.departments.map((d) => [d.code, d.label])).toEqual([
      ['2A', '2A — Corse-du-Sud'],
      ['75', '75 — Paris'],
    ]);
    expect(figures.departments[1].values).toMatchObject({
      [Indicator.DelegatedLogins]: 12,
      [Indicator.PeopleHelped]: 6,
      [Indicator.MandatesInForce]: 6,
    });
    expect(figures.totals).toMatchObject({
      [Indicator.DelegatedLogins]: 19,
      [Indicator.PeopleHelped]: 13,
      [Indicator.MandatesCreated]: 13,
    });
  });

  it('masks counts under the threshold so that no figure singles someone out', async () => {
    // Given one aide of one structure who helped 2 people this month, and a busier structure
    const small = await seedStructure(db, '1 place du Village, 48000 Mende');
    const big = await seedStructure(db, '12 rue de Belleville, 75020 Paris');
    await seedActivity(db, small, new Date('2026-06-03T09:00:00Z'), 2);
    await seedActivity(db, big, new Date('2026-06-04T09:00:00Z'), 30);

    const figures = await statistics.compute(NOW);

    // Then the département's small figures are masked; so are the one active aide and structure
    const lozere = figures.departments.find((d) => d.code === '48')!.values;
    expect(lozere[Indicator.PeopleHelped]).toBeNull();
    expect(lozere[Indicator.ActiveAides]).toBeNull();
    // and, since the total is published, Paris's figure too (else total − Paris would give it away)
    const paris = figures.departments.find((d) => d.code === '75')!.values;
    expect(paris[Indicator.PeopleHelped]).toBeNull();
    expect(figures.totals[Indicator.PeopleHelped]).toBe(32);
    // and months with no activity say 0, which singles nobody out
    expect(figures.months[0].values[Indicator.DelegatedLogins]).toBe(0);
  });
});
