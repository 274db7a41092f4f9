import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { Structure } from '@relais/structures';
import { In, type EntityManager } from 'typeorm';

import { MandateProcedure } from '../entities/mandate-procedure.entity.js';
import { Mandate } from '../entities/mandate.entity.js';
import { RevocationReason } from '../enums/revocation-reason.enum.js';
import { mandateUsability } from './mandate-usability.js';

/**
 * A new mandate for an area the structure already covers for this citizen replaces the older
 * authorisation for that area (the brief's rule 5): shown on the consent page, applied at consent.
 */
@Injectable()
export class AreaReplacement {
  constructor(private readonly audit: AuditRecorder) {}

  /** In-force authorisations of this structure for the citizen in the mandate's areas, still usable at `now`. */
  async coveredElsewhere(manager: EntityManager, mandate: Mandate, citizenId: string, now: Date) {
    const procedures = await manager.findBy(MandateProcedure, {
      structureId: mandate.structureId,
      citizenId,
      area: In(mandate.areas),
      inForce: true,
    });
    if (procedures.length === 0) return [];
    const structure = await manager.findOneByOrFail(Structure, { id: mandate.structureId });
    const owners = await manager.findBy(Mandate, { id: In(procedures.map((procedure) => procedure.mandateId)) });
    return procedures.filter((procedure) => {
      const owner = owners.find((candidate) => candidate.id === procedure.mandateId)!;
      return mandateUsability({ ...owner, structureActive: structure.active, procedure }, now).usable;
    });
  }

  /**
   * So one area is never covered twice: in-force authorisations for the new mandate's areas are
   * taken out of force; those still usable are revoked as replaced (journaled), the others (their
   * mandate ended) are just closed.
   */
  async replaceOlder(manager: EntityManager, mandate: Mandate, citizenId: string, now: Date) {
    const replaced = await this.coveredElsewhere(manager, mandate, citizenId, now);
    await manager.update(
      MandateProcedure,
      { structureId: mandate.structureId, citizenId, area: In(mandate.areas), inForce: true },
      { inForce: false },
    );
    for (const procedure of replaced) {
      await manager.update(
        MandateProcedure,
        { id: procedure.id },
        { revokedAt: now, revocationReason: RevocationReason.Replaced },
      );
      await this.audit.record(manager, {
        action: AuditAction.MandateAreaReplaced,
        actor: { type: AuditActorType.Citizen, id: citizenId },
        structureId: mandate.structureId,
        citizenId,
        mandateId: procedure.mandateId,
        details: { area: procedure.area, replacedBy: mandate.id },
      });
    }
  }
}
