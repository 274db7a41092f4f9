import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { Structure, type ProcedureArea } from '@relais/structures';
import { DataSource, In } from 'typeorm';

import type { Attestation } from '../entities/attestation.entity.js';
import { MandateProcedure } from '../entities/mandate-procedure.entity.js';
import { Mandate } from '../entities/mandate.entity.js';
import { MandateStatus } from '../enums/mandate-status.enum.js';
import { RevocationReason, RevokedBy } from '../enums/revocation-reason.enum.js';
import { sealDigest, type RevocationSealPayload } from '../mandate-seal.js';
import { areaStates } from '../mandate-state.js';
import { AttestationsService } from './attestations.service.js';
import { ExpiryScheduler, type RevocationPropagation } from './expiry-scheduler.service.js';

/** Who stops it: an aide of the structure with the citizen present, or the citizen (portal). */
export type Revoker = { structureId: string; aideId: string } | { citizenId: string };

export type RevocationRequest = Revoker & {
  mandateId: string;
  /** One area, or every area still usable when absent. */
  area?: ProcedureArea;
};

/**
 * Stopping a mandate, or one of its areas, at the citizen's request (through an aide, or themselves
 * in the portal); gives a revocation attestation.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly attestations: AttestationsService,
    private readonly scheduler: ExpiryScheduler,
  ) {}

  /** Then, after the commit, a job ends what the mandate opened and tells the people concerned. */
  async revoke(request: RevocationRequest): Promise<Attestation> {
    const { attestation, propagation } = await this.revokeInTransaction(request);
    await this.scheduler.revoked(propagation);
    return attestation;
  }

  private async revokeInTransaction(
    request: RevocationRequest,
  ): Promise<{ attestation: Attestation; propagation: RevocationPropagation }> {
    return this.dataSource.transaction(async (manager) => {
      const byAide = 'aideId' in request;
      const mandate = await manager.findOne(Mandate, {
        where: byAide
          ? { id: request.mandateId, structureId: request.structureId }
          : { id: request.mandateId, citizenId: request.citizenId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!mandate) throw new DomainException(ErrorCode.MandateNotFound);
      const structure = await manager.findOneByOrFail(Structure, { id: mandate.structureId });
      const procedures = await manager.findBy(MandateProcedure, { mandateId: mandate.id });
      const now = new Date();
      const usable = areaStates(mandate, procedures, structure.active, now)
        .filter((state) => state.usable)
        .map((state) => state.area);
      const revoked = request.area ? usable.filter((area) => area === request.area) : usable;
      if (revoked.length === 0) throw new DomainException(ErrorCode.MandateNotRevocable);
      const remaining = usable.filter((area) => !revoked.includes(area));

      await manager.update(
        MandateProcedure,
        { mandateId: mandate.id, area: In(revoked) },
        {
          inForce: false,
          revokedAt: now,
          revocationReason: RevocationReason.Revoked,
          revokedByAideId: byAide ? request.aideId : null,
          revokedBy: byAide ? RevokedBy.Aide : RevokedBy.Citizen,
        },
      );
      const whole = remaining.length === 0;
      if (whole) await manager.update(Mandate, { id: mandate.id }, { status: MandateStatus.Revoked, revokedAt: now });
      await this.audit.record(manager, {
        action: whole ? AuditAction.MandateRevoked : AuditAction.MandateAreaRevoked,
        actor: byAide
          ? { type: AuditActorType.Aide, id: request.aideId }
          : { type: AuditActorType.Citizen, id: request.citizenId },
        structureId: mandate.structureId,
        citizenId: mandate.citizenId,
        mandateId: mandate.id,
        details: { areas: revoked, remaining },
      });
      const statement: RevocationSealPayload = {
        type: 'relais/revocation',
        version: 1,
        mandateId: mandate.id,
        mandateSealDigest: sealDigest(mandate.seal!),
        structure: { id: structure.id, siret: structure.siret },
        ...(byAide ? { aide: { id: request.aideId } } : { revokedBy: 'citizen' as const }),
        revokedAreas: revoked,
        remainingAreas: remaining,
        revokedAt: now.toISOString(),
      };
      const attestation = await this.attestations.issueForRevocation(manager, mandate, statement);
      return { attestation, propagation: { mandateId: mandate.id, revokedAt: now.toISOString(), whole } };
    });
  }
}
