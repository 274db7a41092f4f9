import { Injectable } from '@nestjs/common';
import { actingRefusalSql, type Aide } from '@relais/aides';
import { type Citizen, type MandateStatus, mandateUsability } from '@relais/mandates';
import type { ProcedureArea, Structure } from '@relais/structures';
import { DataSource } from 'typeorm';

import type { Delegation } from '../entities/delegation.entity.js';

/** Everything the provider needs to answer for a delegation that is still usable. */
export interface DelegatedAccount {
  delegation: Pick<Delegation, 'mandateId' | 'area'>;
  citizen: Pick<
    Citizen,
    | 'id'
    | 'givenName'
    | 'familyName'
    | 'preferredUsername'
    | 'gender'
    | 'birthdate'
    | 'birthplace'
    | 'birthcountry'
    | 'email'
  >;
  aide: Pick<Aide, 'id' | 'givenName' | 'familyName'>;
  structure: Pick<Structure, 'siret' | 'name'>;
}

interface AccountRow {
  mandate_id: string;
  area: ProcedureArea;
  client_id: string;
  service_active: boolean;
  aide_id: string;
  aide_given_name: string | null;
  aide_family_name: string | null;
  aide_may_act: boolean;
  siret: string;
  structure_name: string;
  structure_active: boolean;
  status: MandateStatus;
  starts_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  procedure_id: string | null;
  citizen_id: string;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  gender: string;
  birthdate: string;
  birthplace: string | null;
  birthcountry: string | null;
  email: string | null;
}

const ACCOUNT_SQL = `
  SELECT d.mandate_id, d.area, ps.client_id, ps.active AS service_active,
         a.id AS aide_id, a.given_name AS aide_given_name, a.family_name AS aide_family_name,
         ${actingRefusalSql()} IS NULL AS aide_may_act,
         s.siret, s.name AS structure_name, s.active AS structure_active,
         m.status, m.starts_at, m.expires_at, p.revoked_at, p.id AS procedure_id,
         c.id AS citizen_id, c.given_name, c.family_name, c.preferred_username, c.gender, c.birthdate,
         c.birthplace, c.birthcountry, c.email
    FROM delegations d
    JOIN public_services ps ON ps.id = d.public_service_id
    JOIN aides a ON a.id = d.aide_id
    JOIN memberships ms ON ms.aide_id = d.aide_id AND ms.structure_id = d.structure_id
    JOIN structures s ON s.id = d.structure_id
    JOIN mandates m ON m.id = d.mandate_id
    JOIN citizens c ON c.id = d.citizen_id
    LEFT JOIN mandate_procedures p ON p.mandate_id = d.mandate_id AND p.area = d.area
   WHERE d.id = $1 AND d.ended_at IS NULL`;

/** node-postgres' pool under TypeORM: named (prepared) statements, which TypeORM's query() cannot send. */
interface PreparingPool {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * The accounts the OpenID provider serves (findAccount): a delegation, re-checked at each token
 * use with the acting rule (libs/aides) and mandateUsability (libs/mandates).
 */
@Injectable()
export class DelegatedAccounts {
  constructor(private readonly dataSource: DataSource) {}

  private pool(): PreparingPool {
    return (this.dataSource.driver as unknown as { master: PreparingPool }).master;
  }

  /** The account behind a token, or null once the aide, the membership or the mandate no longer allows it. */
  async account(delegationId: string, clientId?: string, now = new Date()): Promise<DelegatedAccount | null> {
    // One round trip, a prepared statement (parsed and planned once per connection): this runs
    // at every token use (authorization code, token endpoint, userinfo).
    const { rows } = await this.pool().query<AccountRow>({
      name: 'relais_delegated_account',
      text: ACCOUNT_SQL,
      values: [delegationId],
    });
    const [row] = rows;
    if (!row || !row.aide_may_act || (clientId && (row.client_id !== clientId || !row.service_active))) return null;
    const usable = mandateUsability(
      {
        status: row.status,
        startsAt: row.starts_at,
        expiresAt: row.expires_at,
        structureActive: row.structure_active,
        procedure: row.procedure_id ? { revokedAt: row.revoked_at } : null,
      },
      now,
    );
    if (!usable.usable) return null;
    return {
      delegation: { mandateId: row.mandate_id, area: row.area },
      citizen: {
        id: row.citizen_id,
        givenName: row.given_name,
        familyName: row.family_name,
        preferredUsername: row.preferred_username,
        gender: row.gender,
        birthdate: row.birthdate,
        birthplace: row.birthplace,
        birthcountry: row.birthcountry,
        email: row.email,
      },
      aide: { id: row.aide_id, givenName: row.aide_given_name, familyName: row.aide_family_name },
      structure: { siret: row.siret, name: row.structure_name },
    };
  }
}
