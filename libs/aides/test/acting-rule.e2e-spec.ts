import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { createTestEnvironment, insertStructure, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { actingRefusalSql, aideMayAct, assertMayAct } from '../src/services/acting-rule.js';

describe('the acting rule: may this aide act with mandates for this structure now?', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let people = 0;

  /** An aide with a membership of a fresh structure; trained unless told otherwise. */
  async function membership(options: { trained?: boolean } = {}) {
    const structureId = await insertStructure(db);
    const [{ id: aideId }] = await db.query('INSERT INTO aides (email) VALUES ($1) RETURNING id', [
      `regle.${++people}@example.fr`,
    ]);
    await db.query(
      `INSERT INTO memberships (aide_id, structure_id, role, training_validated_at)
       VALUES ($1, $2, 'aide', ${options.trained === false ? 'NULL' : 'now()'})`,
      [aideId, structureId],
    );
    return { aideId: aideId as string, structureId };
  }

  /** The SQL fragment over the same row, as the provider's account lookup and MemberContexts use it. */
  async function fragment(aideId: string, structureId: string) {
    const [row] = await db.query(
      `SELECT ${actingRefusalSql()} AS refusal FROM memberships ms
         JOIN aides a ON a.id = ms.aide_id JOIN structures s ON s.id = ms.structure_id
        WHERE ms.aide_id = $1 AND ms.structure_id = $2`,
      [aideId, structureId],
    );
    return row.refusal;
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({ imports: [RelaisConfigModule, DatabaseModule] }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  it('lets a trained aide of an active structure act', async () => {
    // Given an active, trained aide with an active membership of an active structure
    const { aideId, structureId } = await membership();
    // When the rule is asked / Then nothing stands in the way, in TypeScript and in SQL
    expect(await aideMayAct(db.manager, structureId, aideId)).toBeNull();
    expect(await fragment(aideId, structureId)).toBeNull();
  });

  it('refuses an aide whose training was never validated', async () => {
    // Given an untrained aide
    const { aideId, structureId } = await membership({ trained: false });
    // When / Then
    expect(await aideMayAct(db.manager, structureId, aideId)).toBe('not_trained');
    expect(await fragment(aideId, structureId)).toBe('not_trained');
  });

  it.each([
    ['whose account was deactivated', 'UPDATE aides SET active = false WHERE id = $1'],
    ['whose membership was deactivated', 'UPDATE memberships SET active = false WHERE aide_id = $1'],
    [
      'of a structure that was deactivated',
      'UPDATE structures SET active = false WHERE id = (SELECT structure_id FROM memberships WHERE aide_id = $1)',
    ],
  ])('refuses a trained aide %s', async (_case, deactivation) => {
    // Given a trained aide, then the deactivation
    const { aideId, structureId } = await membership();
    await db.query(deactivation, [aideId]);
    // When the rule is asked / Then they are no longer a member who may act
    expect(await aideMayAct(db.manager, structureId, aideId)).toBe('not_member');
    expect(await fragment(aideId, structureId)).toBe('not_member');
  });

  it('refuses an aide for a structure they are not a member of', async () => {
    // Given a trained aide and another structure
    const { aideId } = await membership();
    const elsewhere = await insertStructure(db, 'CCAS');
    // When / Then
    expect(await aideMayAct(db.manager, elsewhere, aideId)).toBe('not_member');
  });

  it('turns a refusal into the catalogue’s exception', () => {
    // Given each refusal
    const codeOf = (refusal: Parameters<typeof assertMayAct>[0]) => {
      try {
        assertMayAct(refusal);
        return null;
      } catch (error) {
        return (error as DomainException).code;
      }
    };
    // When asserted / Then the code the pages show
    expect(codeOf(null)).toBeNull();
    expect(codeOf('not_trained')).toBe(ErrorCode.AideNotTrained);
    expect(codeOf('not_member')).toBe(ErrorCode.Forbidden);
  });
});
