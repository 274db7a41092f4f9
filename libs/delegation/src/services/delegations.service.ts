import { Injectable } from '@nestjs/common';
import type { Aide } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import {
  aideMayAct,
  Citizen,
  Mandate,
  MandateProcedure,
  type MandateStatus,
  mandateUsability,
  searchable,
} from '@relais/mandates';
import { type PublicService } from '@relais/public-services';
import { PROCEDURE_AREA_LABELS, Structure, type ProcedureArea } from '@relais/structures';
import { DataSource, IsNull, type EntityManager } from 'typeorm';

import { Delegation } from '../entities/delegation.entity.js';

/** Who acts (the logged-in aide in their current structure). */
export interface Actor {
  aideId: string;
  structureId: string;
}

/** A citizen the aide may act for at this public service, and the areas open to it. */
export interface Candidate {
  citizen: Pick<Citizen, 'id' | 'givenName' | 'familyName' | 'birthdate'>;
  areas: { area: ProcedureArea; label: string; mandateId: string }[];
}

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

export interface CandidateSearch {
  name?: string;
  /** YYYY-MM-DD. */
  birthdate?: string;
}

/**
 * Delegated logins: which citizens an aide may act for at a public service, opening a delegation
 * (journaled, refused ones too), and the account the OpenID provider serves, re-checked at each
 * use with mandateUsability — the one rule.
 */
@Injectable()
export class DelegationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Citizens with a mandate of the aide's structure usable now for an area the service serves.
   * One indexed query, raw rows (no entity hydration): it runs at every picker page.
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

  /**
   * Opens a delegated login, after checking again that the aide may act (active, trained) and that
   * the mandate is usable now for this area at this service. Refusals are journaled too.
   */
  async open(
    actor: Actor,
    service: PublicService,
    choice: { citizenId: string; area: ProcedureArea },
    amr: string[],
  ): Promise<Delegation> {
    const refusal = await this.dataSource.transaction(async (manager) => {
      const reason = await this.refusalReason(manager, actor, service, choice);
      if (reason) {
        await this.audit.record(manager, {
          action: AuditAction.DelegatedLoginRefused,
          actor: { type: AuditActorType.Aide, id: actor.aideId },
          structureId: actor.structureId,
          citizenId: choice.citizenId,
          details: { publicService: service.clientId, area: choice.area, reason },
        });
      }
      return reason;
    });
    if (refusal === 'not_trained') throw new DomainException(ErrorCode.AideNotTrained);
    if (refusal) throw new DomainException(ErrorCode.NoUsableMandate);
    return this.dataSource.transaction(async (manager) => {
      const procedure = await this.procedureInForce(manager, actor.structureId, choice.citizenId, choice.area);
      const delegation = await manager.save(
        manager.create(Delegation, {
          publicServiceId: service.id,
          aideId: actor.aideId,
          structureId: actor.structureId,
          citizenId: choice.citizenId,
          mandateId: procedure!.mandateId,
          area: choice.area,
          amr,
        }),
      );
      await this.audit.record(manager, {
        action: AuditAction.DelegatedLogin,
        actor: { type: AuditActorType.Aide, id: actor.aideId },
        structureId: actor.structureId,
        citizenId: choice.citizenId,
        mandateId: delegation.mandateId,
        details: { delegationId: delegation.id, publicService: service.clientId, area: choice.area },
      });
      return delegation;
    });
  }

  /** Journals a delegated login refused before any citizen was chosen (untrained aide, nobody to act for). */
  async refuseEarly(actor: Actor, service: PublicService, reason: string): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: AuditAction.DelegatedLoginRefused,
        actor: { type: AuditActorType.Aide, id: actor.aideId },
        structureId: actor.structureId,
        details: { publicService: service.clientId, reason },
      }),
    );
  }

  async attachGrant(delegationId: string, grantId: string): Promise<void> {
    await this.dataSource.manager.update(Delegation, { id: delegationId }, { grantId });
  }

  /** The account behind a token, or null once the aide, the membership or the mandate no longer allows it. */
  async account(delegationId: string, clientId?: string, now = new Date()): Promise<DelegatedAccount | null> {
    // One round trip: this runs at every token use (token endpoint, userinfo).
    const [row]: AccountRow[] = await this.dataSource.query(
      `SELECT d.mandate_id, d.area, ps.client_id, ps.active AS service_active,
              a.id AS aide_id, a.given_name AS aide_given_name, a.family_name AS aide_family_name,
              a.active AND ms.active AND ms.training_validated_at IS NOT NULL AS aide_may_act,
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
        WHERE d.id = $1 AND d.ended_at IS NULL`,
      [delegationId],
    );
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

  /** Ends the open delegations of a mandate that account() no longer allows; returns their grants to revoke. */
  async endUnusable(mandateId: string, now = new Date()): Promise<string[]> {
    const open = await this.dataSource.manager.findBy(Delegation, { mandateId, endedAt: IsNull() });
    const ending: Delegation[] = [];
    for (const delegation of open) if (!(await this.account(delegation.id, undefined, now))) ending.push(delegation);
    if (ending.length === 0) return [];
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .update(Delegation)
        .set({ endedAt: now })
        .whereInIds(ending.map((delegation) => delegation.id))
        .execute();
      await this.audit.record(manager, {
        action: AuditAction.DelegationsEnded,
        actor: { type: AuditActorType.System },
        mandateId,
        details: { delegations: ending.map((delegation) => delegation.id) },
      });
    });
    return ending.map((delegation) => delegation.grantId).filter((grantId): grantId is string => grantId !== null);
  }

  /** Mandates some open delegation depends on. */
  mandatesWithOpenDelegations(): Promise<{ mandate_id: string }[]> {
    return this.dataSource.query('SELECT DISTINCT mandate_id FROM delegations WHERE ended_at IS NULL');
  }

  private async refusalReason(
    manager: EntityManager,
    actor: Actor,
    service: PublicService,
    choice: { citizenId: string; area: ProcedureArea },
  ): Promise<string | null> {
    const aideRefusal = await aideMayAct(manager, actor.structureId, actor.aideId);
    if (aideRefusal) return aideRefusal;
    if (!service.active) return 'service_disabled';
    if (!service.areas.includes(choice.area)) return 'area_not_served';
    const procedure = await this.procedureInForce(manager, actor.structureId, choice.citizenId, choice.area);
    if (!procedure) return 'no_mandate';
    const [mandate, structure] = await Promise.all([
      manager.findOneByOrFail(Mandate, { id: procedure.mandateId }),
      manager.findOneByOrFail(Structure, { id: actor.structureId }),
    ]);
    const usable = mandateUsability({ ...mandate, structureActive: structure.active, procedure }, new Date());
    return usable.usable ? null : usable.reason;
  }

  private procedureInForce(manager: EntityManager, structureId: string, citizenId: string, area: ProcedureArea) {
    return manager.findOneBy(MandateProcedure, { structureId, citizenId, area, inForce: true });
  }
}
