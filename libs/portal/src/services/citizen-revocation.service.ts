import { Injectable } from '@nestjs/common';
import { ProviderGrants } from '@relais/delegation';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { RevocationService, type Attestation } from '@relais/mandates';
import type { ProcedureArea } from '@relais/structures';

import { MyMandates } from './my-mandates.service.js';

export type CitizenRevocationOutcome = { done: Attestation } | { alreadyDone: true };

/**
 * The citizen stops their own mandate or one area: the same revocation as the console's
 * (RevocationService, journaled with the citizen as actor), then what it opened at public services
 * ends at once (ProviderGrants). Stopping what is already stopped is harmless and says so.
 */
@Injectable()
export class CitizenRevocation {
  constructor(
    private readonly mandates: MyMandates,
    private readonly revocations: RevocationService,
    private readonly providerGrants: ProviderGrants,
  ) {}

  async revoke(citizenId: string, mandateId: string, area?: ProcedureArea): Promise<CitizenRevocationOutcome> {
    const mandate = await this.mandates.one(citizenId, mandateId);
    if (area && !mandate.areas.some((candidate) => candidate.area === area)) {
      throw new DomainException(ErrorCode.CitizenMandateNotFound);
    }
    try {
      const attestation = await this.revocations.revoke({ citizenId, mandateId, area });
      return { done: attestation };
    } catch (error) {
      if (error instanceof DomainException && error.code === ErrorCode.MandateNotRevocable) {
        return { alreadyDone: true };
      }
      throw error;
    } finally {
      // Also after a revocation that raced ours: nothing it opened may outlive it.
      await this.providerGrants.endUnusable(mandateId);
    }
  }
}
