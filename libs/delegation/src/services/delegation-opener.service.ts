import { Injectable } from '@nestjs/common';
import { type ActingRefusal, aideMayAct } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { Mandate, MandateProcedure, type MandateUnusableReason, mandateUsability } from '@relais/mandates';
import { type PublicService } from '@relais/public-services';
import { Structure, type ProcedureArea } from '@relais/structures';
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
   * delegation on an authorisation just taken out of force).
   */
  async open(actor: Actor, service: PublicService, choice: DelegationChoice, amr: string[]): Promise<Delegation> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<Opened> => {
      const { refusal, procedure } = await this.check(manager, actor, service, choice);
      if (refusal) {
        await this.journalRefusal(manager, actor, service, { ...choice, reason: refusal });
        return { refusal };
      }
      const delegation = await manager.save(
        manager.create(Delegation, {
          publicServiceId: service.id,
          aideId: actor.aideId,
          structureId: actor.structureId,
          citizenId: choice.citizenId,
          mandateId: procedure.mandateId,
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

  async attachGrant(delegationId: string, grantId: string): Promise<void> {
    await this.dataSource.manager.update(Delegation, { id: delegationId }, { grantId });
  }

  private async check(
    manager: EntityManager,
    actor: Actor,
    service: PublicService,
    choice: DelegationChoice,
  ): Promise<
    { refusal: DelegationRefusal; procedure?: undefined } | { refusal?: undefined; procedure: MandateProcedure }
  > {
    const aideRefusal = await aideMayAct(manager, actor.structureId, actor.aideId);
    if (aideRefusal) return { refusal: aideRefusal };
    if (!service.active) return { refusal: 'service_disabled' };
    if (!service.areas.includes(choice.area)) return { refusal: 'area_not_served' };
    const procedure = await manager.findOne(MandateProcedure, {
      where: { structureId: actor.structureId, citizenId: choice.citizenId, area: choice.area, inForce: true },
      lock: { mode: 'pessimistic_read' },
    });
    if (!procedure) return { refusal: 'no_mandate' };
    const mandate = await manager.findOneByOrFail(Mandate, { id: procedure.mandateId });
    const structure = await manager.findOneByOrFail(Structure, { id: actor.structureId });
    const usable = mandateUsability({ ...mandate, structureActive: structure.active, procedure }, new Date());
    return usable.usable ? { procedure } : { refusal: usable.reason };
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
