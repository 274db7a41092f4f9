import { Injectable } from '@nestjs/common';
import { Citizen, type MandateStatus, mandateUsability } from '@relais/mandates';
import { searchable } from '@relais/text';
import { type PublicService } from '@relais/public-services';
import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';
import { DataSource } from 'typeorm';

import type { Actor } from '../interfaces/actor.interface.js';

/** A citizen the aide may act for at this public service, and the areas open to it. */
export interface Candidate {
  citizen: Pick<Citizen, 'id' | 'givenName' | 'familyName' | 'birthdate'>;
  areas: { area: ProcedureArea; label: string; mandateId: string }[];
}

export interface CandidateSearch {
  name?: string;
  /** YYYY-MM-DD. */
  birthdate?: string;
}

interface CandidateRow {
  area: ProcedureArea;
  mandate_id: string;
  revoked_at: Date | null;
  status: MandateStatus;
  starts_at: Date | null;
  expires_at: Date | null;
  structure_active: boolean;
  citizen_id: string;
  given_name: string;
  family_name: string;
  birthdate: string;
}

/** The citizen picker of a delegated login: who the aide may act for at this service, now. */
@Injectable()
export class CitizenPicker {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Citizens with a mandate of the aide's structure usable now (mandateUsability) for an area the
   * service serves. One indexed query, raw rows (no entity hydration): it runs at every picker page.
   */
  async candidates(actor: Actor, service: PublicService, search: CandidateSearch = {}, now = new Date()) {
    const conditions = ['p.structure_id = $1', 'p.in_force', 'p.area = ANY($2)'];
    const parameters: unknown[] = [actor.structureId, service.areas];
    const name = search.name && searchable(search.name);
    if (name) conditions.push(`c.search_name LIKE $${parameters.push(`%${name}%`)}`);
    if (search.birthdate) conditions.push(`c.birthdate = $${parameters.push(search.birthdate)}`);
    const rows: CandidateRow[] = await this.dataSource.query(
      `SELECT p.area, p.mandate_id, p.revoked_at, m.status, m.starts_at, m.expires_at, s.active AS structure_active,
              c.id AS citizen_id, c.given_name, c.family_name, c.birthdate
         FROM mandate_procedures p
         JOIN mandates m ON m.id = p.mandate_id
         JOIN citizens c ON c.id = p.citizen_id
         JOIN structures s ON s.id = p.structure_id
        WHERE ${conditions.join(' AND ')}
        ORDER BY c.family_name, c.given_name, c.id`,
      parameters,
    );
    const candidates = new Map<string, Candidate>();
    for (const row of rows) {
      const usable = mandateUsability(
        {
          status: row.status,
          startsAt: row.starts_at,
          expiresAt: row.expires_at,
          structureActive: row.structure_active,
          procedure: { revokedAt: row.revoked_at },
        },
        now,
      );
      if (!usable.usable) continue;
      const candidate = candidates.get(row.citizen_id) ?? {
        citizen: {
          id: row.citizen_id,
          givenName: row.given_name,
          familyName: row.family_name,
          birthdate: row.birthdate,
        },
        areas: [],
      };
      candidate.areas.push({ area: row.area, label: PROCEDURE_AREA_LABELS[row.area], mandateId: row.mandate_id });
      candidates.set(row.citizen_id, candidate);
    }
    return [...candidates.values()];
  }

  /** One candidate, by citizen id. */
  async candidate(actor: Actor, service: PublicService, citizenId: string): Promise<Candidate | undefined> {
    return (await this.candidates(actor, service)).find((candidate) => candidate.citizen.id === citizenId);
  }
}
