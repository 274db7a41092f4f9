import { Test, type TestingModule } from '@nestjs/testing';
import { AuditAction, AuditActorType } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { ErrorCode, ValidationFailedException } from '@relais/exceptions';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { ProcedureArea } from '../src/enums/procedure-area.enum.js';
import { StructureType } from '../src/enums/structure-type.enum.js';
import { InvalidSiretException } from '../src/exceptions/invalid-siret.exception.js';
import { StructureAlreadyExistsException } from '../src/exceptions/structure-already-exists.exception.js';
import { StructureNotFoundException } from '../src/exceptions/structure-not-found.exception.js';
import { UnknownProcedureAreaException } from '../src/exceptions/unknown-procedure-area.exception.js';
import { type NewStructure, StructuresService } from '../src/services/structures.service.js';
import { StructuresModule } from '../src/structures.module.js';

const OPERATOR = { type: AuditActorType.Operator };

const franceServices = (overrides: Partial<NewStructure> = {}): NewStructure => ({
  siret: '21750001600019',
  name: 'France Services de Belleville',
  address: '12 rue de Belleville, 75020 Paris',
  type: StructureType.FranceServices,
  areas: [ProcedureArea.Papers, ProcedureArea.Money],
  ...overrides,
});

interface OutboxRow {
  action: string;
  actor_type: string;
  structure_id: string;
  details: Record<string, unknown>;
}

describe('Structures', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let structures: StructuresService;
  let dataSource: DataSource;

  const outbox = (): Promise<OutboxRow[]> =>
    dataSource.query('SELECT action, actor_type, structure_id, details FROM audit_outbox ORDER BY id');
  const count = async (table: 'structures' | 'audit_outbox') =>
    (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  beforeEach(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, StructuresModule],
    }).compile();
    await moduleRef.init();
    structures = moduleRef.get(StructuresService);
    dataSource = moduleRef.get(DataSource);
  });

  afterEach(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  it('registers a structure and journals it in the same transaction', async () => {
    // When the operator registers a structure, typing the SIRET with spaces and areas out of order
    const created = await structures.create(
      franceServices({ siret: '217 500 016 00019', areas: [ProcedureArea.Money, ProcedureArea.Papers] }),
      OPERATOR,
    );
    // Then it is stored active, with a normalised SIRET and its perimeter in catalogue order
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      siret: '21750001600019',
      name: 'France Services de Belleville',
      type: 'france_services',
      areas: ['papers', 'money'],
      active: true,
      createdAt: expect.any(Date),
    });
    expect(await structures.findBySiret('21750001600019')).toMatchObject({
      id: created.id,
      areas: ['papers', 'money'],
    });
    // And one event waits in the outbox, written by the very transaction that inserted the row
    expect(await outbox()).toEqual([
      {
        action: AuditAction.StructureCreated,
        actor_type: 'operator',
        structure_id: created.id,
        details: { siret: '21750001600019', type: 'france_services', areas: ['papers', 'money'] },
      },
    ]);
    const [{ same }] = await dataSource.query(
      'SELECT (o.xid::xid = s.xmin) AS same FROM audit_outbox o JOIN structures s ON s.id = o.structure_id',
    );
    expect(same).toBe(true);
  });

  it('accepts a La Poste establishment, whose SIRET follows the digit-sum rule', async () => {
    const created = await structures.create(
      franceServices({ siret: '35600000049837', name: 'Agence postale communale' }),
      OPERATOR,
    );
    expect(created.siret).toBe('35600000049837');
  });

  it.each([
    ['a wrong check digit', '21750001600018'],
    ['13 digits', '2175000160001'],
    ['letters', 'ABCDEFGHIJKLMN'],
  ])('refuses a SIRET with %s and writes nothing', async (_problem, siret) => {
    const attempt = structures.create(franceServices({ siret }), OPERATOR);
    await expect(attempt).rejects.toBeInstanceOf(InvalidSiretException);
    await expect(attempt).rejects.toMatchObject({
      code: ErrorCode.InvalidSiret,
      userMessage: 'Le numéro SIRET doit comporter 14 chiffres et être valide. Vérifiez-le.',
    });
    expect(await count('structures')).toBe(0);
    expect(await count('audit_outbox')).toBe(0);
  });

  it('refuses a second structure with the same SIRET and journals only the first', async () => {
    // Given a registered structure
    await structures.create(franceServices(), OPERATOR);
    // When another is registered with the same SIRET
    const attempt = structures.create(franceServices({ name: 'Autre nom' }), OPERATOR);
    // Then it is refused, and the failed create left no outbox row
    await expect(attempt).rejects.toBeInstanceOf(StructureAlreadyExistsException);
    await expect(attempt).rejects.toMatchObject({ userMessage: 'Une structure avec ce numéro SIRET existe déjà.' });
    expect(await count('structures')).toBe(1);
    expect((await outbox()).map((row) => row.action)).toEqual([AuditAction.StructureCreated]);
  });

  it('lets exactly one of two simultaneous creates of the same SIRET succeed', async () => {
    // Given the outbox held by another transaction, so both creates reach their INSERT before either commits
    const blocker = dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE audit_outbox IN EXCLUSIVE MODE');
    const attempts = Promise.allSettled([
      structures.create(franceServices(), OPERATOR),
      structures.create(franceServices({ name: 'Même SIRET, autre guichet' }), OPERATOR),
    ]);
    // (one waits for the outbox lock, the other for the first one's row in the unique index)
    await waitFor(async () => {
      const [{ waiting }] = await dataSource.query(
        "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return waiting === 2;
    });
    // When the outbox is released
    await blocker.rollbackTransaction();
    await blocker.release();
    // Then one create succeeds and the other is refused as a duplicate, not as a crash
    const results = await attempts;
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(StructureAlreadyExistsException);
    expect(await count('structures')).toBe(1);
    expect(await count('audit_outbox')).toBe(1);
  });

  it('refuses an unknown procedure area and names it', async () => {
    const attempt = structures.create(franceServices({ areas: ['papers', 'astrologie'] }), OPERATOR);
    await expect(attempt).rejects.toBeInstanceOf(UnknownProcedureAreaException);
    await expect(attempt).rejects.toMatchObject({
      code: ErrorCode.UnknownProcedureArea,
      details: { unknown: ['astrologie'] },
    });
    expect(await count('structures')).toBe(0);
  });

  it('refuses a blank name, an unknown type and an empty perimeter, naming every field at once', async () => {
    const attempt = structures.create(franceServices({ name: '  ', type: 'mairie', areas: [] }), OPERATOR);
    await expect(attempt).rejects.toBeInstanceOf(ValidationFailedException);
    await expect(attempt).rejects.toMatchObject({
      fields: [
        { field: 'name', problems: ['Indiquez le nom de la structure.'] },
        { field: 'type', problems: [expect.stringContaining('Types possibles : france_services, ccas, town_hall')] },
        { field: 'areas', problems: ['Choisissez au moins une démarche.'] },
      ],
    });
    expect(await count('structures')).toBe(0);
  });

  it('leaves no structure and no outbox row when journaling fails', async () => {
    // Given an outbox that refuses every write
    await dataSource.query(`
      CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`);
    await dataSource.query(
      'CREATE TRIGGER refuse_outbox BEFORE INSERT ON audit_outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox()',
    );
    // When a structure is registered
    await expect(structures.create(franceServices(), OPERATOR)).rejects.toThrow('outbox unavailable');
    // Then the insert was rolled back with it
    expect(await count('structures')).toBe(0);
    expect(await count('audit_outbox')).toBe(0);
  });

  it('lists structures by name in French alphabetical order', async () => {
    await structures.create(franceServices({ siret: '73282932000074', name: 'Mairie de Zonza' }), OPERATOR);
    await structures.create(franceServices({ siret: '55210055400013', name: 'École de la deuxième chance' }), OPERATOR);
    await structures.create(franceServices({ siret: '13002526500013', name: 'association Lire' }), OPERATOR);
    expect((await structures.list()).map((s) => s.name)).toEqual([
      'association Lire',
      'École de la deuxième chance',
      'Mairie de Zonza',
    ]);
  });

  it('journals a perimeter change with what was added and removed', async () => {
    // Given a structure covering papers and money
    const created = await structures.create(franceServices(), OPERATOR);
    // When the operator changes its perimeter to money, housing and family
    const changed = await structures.setPerimeter(
      '21750001600019',
      [ProcedureArea.Money, ProcedureArea.Housing, ProcedureArea.Family],
      OPERATOR,
    );
    // Then the new perimeter is stored in catalogue order and the change is journaled
    expect(changed.areas).toEqual(['family', 'housing', 'money']);
    expect((await structures.findBySiret('21750001600019')).areas).toEqual(['family', 'housing', 'money']);
    expect((await outbox())[1]).toEqual({
      action: AuditAction.StructurePerimeterChanged,
      actor_type: 'operator',
      structure_id: created.id,
      details: {
        siret: '21750001600019',
        areas: ['family', 'housing', 'money'],
        added: ['family', 'housing'],
        removed: ['papers'],
      },
    });
  });

  it('does not journal a perimeter set to what it already is', async () => {
    await structures.create(franceServices(), OPERATOR);
    await structures.setPerimeter('21750001600019', [ProcedureArea.Money, ProcedureArea.Papers], OPERATOR);
    expect(await count('audit_outbox')).toBe(1);
  });

  it('refuses to change the perimeter of an unknown structure, or to empty it', async () => {
    await expect(structures.setPerimeter('73282932000074', ['papers'], OPERATOR)).rejects.toBeInstanceOf(
      StructureNotFoundException,
    );
    await structures.create(franceServices(), OPERATOR);
    await expect(structures.setPerimeter('21750001600019', [], OPERATOR)).rejects.toBeInstanceOf(
      ValidationFailedException,
    );
    expect((await structures.findBySiret('21750001600019')).areas).toEqual(['papers', 'money']);
    expect(await count('audit_outbox')).toBe(1);
  });

  it('answers "not found" in French for a SIRET nobody registered', async () => {
    await expect(structures.findBySiret('73282932000074')).rejects.toMatchObject({
      code: ErrorCode.StructureNotFound,
      userMessage: 'Aucune structure ne correspond à ce numéro SIRET.',
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
