import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type ActingRefusal, actingRefusalSql } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { type MandateStatus, type MandateUnusableReason, mandateUsability } from '@relais/mandates';
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

type Opened = { delegation: Delegation; refusal?: undefined } | { delegation?: undefined; refusal: DelegationRefusal };

/** What the check of an opening reads, in one statement. */
interface CheckRow {
  acting_refusal: ActingRefusal | null;
  procedure_id: string | null;
  mandate_id: string | null;
  revoked_at: Date | null;
  status: MandateStatus | null;
  starts_at: Date | null;
  expires_at: Date | null;
  structure_active: boolean;
}

/**
 * The acting rule for the aide in the structure, and the authorisation in force for the citizen
 * and area with its mandate, locked (FOR SHARE) until the transaction ends: one round trip.
 */
const CHECK_SQL = `
  SELECT ${actingRefusalSql()} AS acting_refusal, s.active AS structure_active,
         p.id AS procedure_id, p.mandate_id, p.revoked_at, m.status, m.starts_at, m.expires_at
    FROM memberships ms
    JOIN aides a ON a.id = ms.aide_id
    JOIN structures s ON s.id = ms.structure_id
    LEFT JOIN LATERAL (
      SELECT id, mandate_id, revoked_at FROM mandate_procedures
       WHERE structure_id = ms.structure_id AND citizen_id = $3 AND area = $4 AND in_force
         FOR SHARE
    ) p ON true
    LEFT JOIN mandates m ON m.id = p.mandate_id
   WHERE ms.aide_id = $1 AND ms.structure_id = $2`;

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
   * Opens a delegated login. The authorisation in force is locked while it is checked and used:
   * a consent or a revocation running at the same time waits, or makes this a refusal (never a
   * delegation on an authorisation just taken out of force). The delegation's id and its grant's
   * id are chosen here, so the row is written once, with both (the grant is saved afterwards
   * under that id: DelegationInteractions.finish). Five round trips: BEGIN, the check, the
   * delegation, its audit event, COMMIT.
   */
  async open(actor: Actor, service: PublicService, choice: DelegationChoice, amr: string[]): Promise<Delegation> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<Opened> => {
      const { refusal, mandateId } = await this.check(manager, actor, service, choice);
      if (refusal) {
        await this.journalRefusal(manager, actor, service, { ...choice, reason: refusal });
        return { refusal };
      }
      // The grant is named after the delegation (DelegationInteractions.finish): one id for both.
      const id = randomUUID();
      const delegation = manager.create(Delegation, {
        id,
        publicServiceId: service.id,
        aideId: actor.aideId,
        structureId: actor.structureId,
        citizenId: choice.citizenId,
        mandateId,
        area: choice.area,
        amr,
        grantId: id,
        endedAt: null,
      });
      // insert, not save: with its id already set, save would first look the row up.
      await manager.insert(Delegation, delegation);
      await this.audit.record(manager, {
        action: AuditAction.DelegatedLogin,
        actor: { type: AuditActorType.Aide, id: actor.aideId },
        structureId: actor.structureId,
        citizenId: choice.citizenId,
        mandateId: delegation.mandateId,
        details: { delegationId: delegation.id, publicService: service.clientId, area: choice.area },
      });
      return { delegation };
    });
    if (outcome.delegation) return outcome.delegation;
    if (outcome.refusal === 'not_trained') throw new DomainException(ErrorCode.AideNotTrained);
    throw new DomainException(ErrorCode.NoUsableMandate);
  }

  /** Journals a delegated login refused before any citizen was chosen (untrained aide, nobody to act for). */
  async refuseEarly(actor: Actor, service: PublicService, reason: DelegationRefusal): Promise<void> {
    await this.dataSource.transaction((manager) => this.journalRefusal(manager, actor, service, { reason }));
  }

  private async check(
    manager: EntityManager,
    actor: Actor,
    service: PublicService,
    choice: DelegationChoice,
  ): Promise<{ refusal: DelegationRefusal; mandateId?: undefined } | { refusal?: undefined; mandateId: string }> {
    const [row]: CheckRow[] = await manager.query(CHECK_SQL, [
      actor.aideId,
      actor.structureId,
      choice.citizenId,
      choice.area,
    ]);
    // The same order as ever: the aide, the service, then the mandate.
    if (!row) return { refusal: 'not_member' };
    if (row.acting_refusal) return { refusal: row.acting_refusal };
    if (!service.active) return { refusal: 'service_disabled' };
    if (!service.areas.includes(choice.area)) return { refusal: 'area_not_served' };
    if (!row.procedure_id || !row.mandate_id || !row.status) return { refusal: 'no_mandate' };
    const usable = mandateUsability(
      {
        status: row.status,
        startsAt: row.starts_at,
        expiresAt: row.expires_at,
        structureActive: row.structure_active,
        procedure: { revokedAt: row.revoked_at },
      },
      new Date(),
    );
    return usable.usable ? { mandateId: row.mandate_id } : { refusal: usable.reason };
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
