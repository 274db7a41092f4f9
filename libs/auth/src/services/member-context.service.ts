import { Injectable } from '@nestjs/common';
import { actingRefusalSql, type ActingRefusal, Aide, Membership, MembershipRole } from '@relais/aides';
import { Structure } from '@relais/structures';
import { DataSource } from 'typeorm';

/** Who is acting, for whom: the logged-in aide in their current structure. */
export interface MemberContext {
  aideId: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  membershipId: string;
  role: MembershipRole;
  /** The acting rule (libs/aides) for this membership: null when the aide may act with mandates. */
  actingRefusal: ActingRefusal | null;
  /** actingRefusal === null, for the pages. */
  trained: boolean;
  structureId: string;
  structureName: string;
  structureSiret: string;
}

/** An active operator account. */
export type Operator = Pick<Aide, 'id' | 'email' | 'givenName' | 'familyName'>;

interface Row {
  aide_id: string;
  email: string;
  given_name: string | null;
  family_name: string | null;
  membership_id: string;
  role: MembershipRole;
  acting_refusal: ActingRefusal | null;
  structure_id: string;
  structure_name: string;
  structure_siret: string;
}

const toContext = (row: Row): MemberContext => ({
  aideId: row.aide_id,
  email: row.email,
  givenName: row.given_name,
  familyName: row.family_name,
  membershipId: row.membership_id,
  role: row.role,
  actingRefusal: row.acting_refusal,
  trained: row.acting_refusal === null,
  structureId: row.structure_id,
  structureName: row.structure_name,
  structureSiret: row.structure_siret,
});

/**
 * One usable membership (the session check of every console page and delegated-login step): the
 * same columns and conditions as MemberContexts' query builder, as a named (prepared) statement.
 */
const MEMBER_SQL = `
  SELECT a.id AS aide_id, a.email, a.given_name, a.family_name, m.id AS membership_id, m.role,
         ${actingRefusalSql({ membership: 'm' })} AS acting_refusal,
         s.id AS structure_id, s.name AS structure_name, s.siret AS structure_siret
    FROM aides a
    JOIN memberships m ON m.aide_id = a.id AND m.active
    JOIN structures s ON s.id = m.structure_id AND s.active
   WHERE a.id = $1 AND a.active AND s.id = $2`;

/** node-postgres' pool under TypeORM: named (prepared) statements, which TypeORM's query() cannot send. */
interface PreparingPool {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/** Loads an aide's usable memberships: aide active, membership active, structure active. */
@Injectable()
export class MemberContexts {
  constructor(private readonly dataSource: DataSource) {}

  private query(aideId: string) {
    return this.dataSource
      .createQueryBuilder()
      .select([
        'a.id AS aide_id',
        'a.email AS email',
        'a.given_name AS given_name',
        'a.family_name AS family_name',
        'm.id AS membership_id',
        'm.role AS role',
        `${actingRefusalSql({ membership: 'm' })} AS acting_refusal`,
        's.id AS structure_id',
        's.name AS structure_name',
        's.siret AS structure_siret',
      ])
      .from(Aide, 'a')
      .innerJoin(Membership, 'm', 'm.aide_id = a.id AND m.active')
      .innerJoin(Structure, 's', 's.id = m.structure_id AND s.active')
      .where('a.id = :aideId AND a.active', { aideId });
  }

  async forAide(aideId: string): Promise<MemberContext[]> {
    return (await this.query(aideId).orderBy('s.name').getRawMany<Row>()).map(toContext);
  }

  /** The aide, if an active operator (operator pages need no structure). */
  async operator(aideId: string): Promise<Operator | null> {
    return this.dataSource.getRepository(Aide).findOne({
      where: { id: aideId, active: true, operator: true },
      select: { id: true, email: true, givenName: true, familyName: true },
    });
  }

  async find(aideId: string, structureId: string): Promise<MemberContext | null> {
    const pool = (this.dataSource.driver as unknown as { master: PreparingPool }).master;
    const { rows } = await pool.query<Row>({
      name: 'relais_member_context',
      text: MEMBER_SQL,
      values: [aideId, structureId],
    });
    return rows[0] ? toContext(rows[0]) : null;
  }
}
