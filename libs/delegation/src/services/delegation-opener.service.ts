import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type ActingRefusal, actingRefusalSql } from '@relais/aides';
import { AuditAction, AuditActorType, auditOutboxInsert, AuditRecorder } from '@relais/audit';
import { preparedQuery } from '@relais/database';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { AREA_UNUSABLE_REASON_SQL, type MandateUnusableReason } from '@relais/mandates';
import { type PublicService } from '@relais/public-services';
import { type ProcedureArea } from '@relais/structures';
import { DataSource, type EntityManager } from 'typeorm';

import { Delegation } from '../entities/delegation.entity.js';
import type { Actor } from '../interfaces/actor.interface.js';

export interface DelegationChoice {
  citizenId: string;
  area: ProcedureArea;
}

/** Why a delegated login was refused (journaled as `delegation.refused`). */
export type DelegationRefusal =
  ActingRefusal | MandateUnusableReason | 'deactivated' | 'service_disabled' | 'area_not_served' | 'no_mandate';

/** What the opening statement answers: why it refused (nothing written but the refusal's event), or the mandate used. */
interface OpeningRow {
  refusal: DelegationRefusal | null;
  mandate_id: string | null;
}

/**
 * Opening a delegated login in one statement, hence one transaction (a statement is one): the
 * acting rule for the aide in the structure, the service's refusal if any ($5, decided from the
 * cached service), the authorisation in force for the citizen and area locked (FOR SHARE) with
 * its mandate and mandateUsability's rule in SQL ($6 is now); then, if nothing refused, the
 * delegation row (its id is its grant's id: $7), and in either case its audit event
 * (`delegation.logged_in` from the inserted row, or `delegation.refused` with the reason). The
 * lock is held until the statement commits: a consent or revocation running at the same time
 * waits, or makes this a refusal. Reasons come in the order of the rules: the aide, the
 * service, then the mandate. The aide is the one the console session names: no longer an active
 * member of the structure is `deactivated`, as the session check's early refusal says; this is
 * the confirmation's only member check (ConsoleSubjects.sessionMember).
 */
const OPENING_SQL = `
  WITH checked AS (
    SELECT COALESCE(CASE WHEN ms.aide_id IS NULL OR ${actingRefusalSql()} = 'not_member' THEN 'deactivated'
                         ELSE ${actingRefusalSql()} END,
                    $5::text,
                    CASE WHEN p.id IS NULL OR m.id IS NULL THEN 'no_mandate' END,
                    ${AREA_UNUSABLE_REASON_SQL.replaceAll(':now', '$6')}) AS refusal,
           p.mandate_id
      FROM (VALUES (1)) AS one
      LEFT JOIN memberships ms ON ms.aide_id = $1::uuid AND ms.structure_id = $2::uuid
      LEFT JOIN aides a ON a.id = ms.aide_id
      LEFT JOIN structures s ON s.id = ms.structure_id
      LEFT JOIN LATERAL (
        SELECT id, mandate_id, revoked_at FROM mandate_procedures
         WHERE structure_id = ms.structure_id AND citizen_id = $3::uuid AND area = $4::text AND in_force
           FOR SHARE
      ) p ON true
      LEFT JOIN mandates m ON m.id = p.mandate_id
  ), opened AS (
    INSERT INTO delegations (id, public_service_id, aide_id, structure_id, citizen_id, mandate_id, area, amr, grant_id)
    SELECT $7::uuid, $8::uuid, $1::uuid, $2::uuid, $3::uuid, mandate_id, $4::text, $9::text[], $7::uuid::text
      FROM checked WHERE refusal IS NULL
    RETURNING mandate_id
  ), journaled AS (
    ${auditOutboxInsert(`
    SELECT $6::timestamptz, $10::text, $1::uuid::text, $2::uuid, $3::uuid, o.mandate_id, $11::text,
           jsonb_build_object('delegationId', $7::uuid, 'publicService', $12::text, 'area', $4::text)
      FROM opened o
    UNION ALL
    SELECT $6::timestamptz, $10::text, $1::uuid::text, $2::uuid, $3::uuid, NULL, $13::text,
           jsonb_build_object('publicService', $12::text, 'area', $4::text, 'reason', c.refusal)
      FROM checked c WHERE c.refusal IS NOT NULL`)}
  )
  SELECT refusal, mandate_id FROM checked`;

/**
 * Opening a delegated login: checked again at confirmation (the acting rule, the service, the
 * mandate) and opened in the same transaction, refusals journaled too.
 */
@Injectable()
export class DelegationOpener {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Opens a delegated login, or refuses it, in one round trip (OPENING_SQL): checked again at
   * confirmation and opened in the same transaction, the authorisation in force locked while it
   * is checked and used (a consent or a revocation running at the same time waits, or makes this
   * a refusal, never a delegation on an authorisation just taken out of force), journaled either
   * way. The delegation's id is its grant's id (the grant is saved afterwards under that id:
   * DelegationInteractions.finish).
   */
  async open(actor: Actor, service: PublicService, choice: DelegationChoice, amr: string[]): Promise<Delegation> {
    const id = randomUUID();
    const serviceRefusal: DelegationRefusal | null = !service.active
      ? 'service_disabled'
      : !service.areas.includes(choice.area)
        ? 'area_not_served'
        : null;
    const [row] = await preparedQuery<OpeningRow>(this.dataSource, 'relais_delegation_opening', OPENING_SQL, [
      actor.aideId,
      actor.structureId,
      choice.citizenId,
      choice.area,
      serviceRefusal,
      new Date(),
      id,
      service.id,
      amr,
      AuditActorType.Aide,
      AuditAction.DelegatedLogin,
      service.clientId,
      AuditAction.DelegatedLoginRefused,
    ]);
    if (row.refusal === 'deactivated') throw new DomainException(ErrorCode.AideDeactivated);
    if (row.refusal === 'not_trained') throw new DomainException(ErrorCode.AideNotTrained);
    if (row.refusal || !row.mandate_id) throw new DomainException(ErrorCode.NoUsableMandate);
    return this.dataSource.manager.create(Delegation, {
      id,
      publicServiceId: service.id,
      aideId: actor.aideId,
      structureId: actor.structureId,
      citizenId: choice.citizenId,
      mandateId: row.mandate_id,
      area: choice.area,
      amr,
      grantId: id,
      endedAt: null,
    });
  }

  /** Journals a delegated login refused before any citizen was chosen (untrained aide, nobody to act for). */
  async refuseEarly(actor: Actor, service: PublicService, reason: DelegationRefusal): Promise<void> {
    await this.dataSource.transaction((manager) => this.journalRefusal(manager, actor, service, { reason }));
  }

  private journalRefusal(
    manager: EntityManager,
    actor: Actor,
    service: PublicService,
    refused: Partial<DelegationChoice> & { reason: DelegationRefusal },
  ) {
    return this.audit.record(manager, {
      action: AuditAction.DelegatedLoginRefused,
      actor: { type: AuditActorType.Aide, id: actor.aideId },
      structureId: actor.structureId,
      ...(refused.citizenId ? { citizenId: refused.citizenId } : {}),
      details: {
        publicService: service.clientId,
        ...(refused.area ? { area: refused.area } : {}),
        reason: refused.reason,
      },
    });
  }
}
