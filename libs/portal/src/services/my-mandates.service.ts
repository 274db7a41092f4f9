import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';
import {
  areaStates,
  Attestation,
  AttestationKind,
  Mandate,
  MandateProcedure,
  mandateState,
  MANDATE_STATE_LABELS,
  type AreaState,
  storedPdf,
  type MandateState,
} from '@relais/mandates';
import { Structure } from '@relais/structures';
import { DataSource, In } from 'typeorm';

import { timeLeft } from '../time-left.js';
import { GIVEN_MANDATE_STATUSES } from './portal-login.service.js';

/** One mandate as the citizen reads it in the portal. */
export interface MyMandate {
  id: string;
  structure: { name: string; address: string };
  areas: AreaState[];
  startsAt: Date;
  expiresAt: Date;
  /** "dans 3 mois"; null once ended. */
  timeLeft: string | null;
  state: MandateState;
  stateLabel: string;
  /** Whether something can still be stopped (an area usable now). */
  stoppable: boolean;
  attestations: { id: string; kind: AttestationKind; createdAt: Date }[];
}

/** "My mandates": the citizen's own, newest first; another citizen's is not found (404). */
@Injectable()
export class MyMandates {
  constructor(private readonly dataSource: DataSource) {}

  async list(citizenId: string, now = new Date()): Promise<MyMandate[]> {
    const mandates = await this.dataSource.manager.find(Mandate, {
      where: { citizenId, status: In(GIVEN_MANDATE_STATUSES) },
      order: { startsAt: 'DESC', id: 'ASC' },
    });
    return this.describe(mandates, now);
  }

  async one(citizenId: string, mandateId: string, now = new Date()): Promise<MyMandate> {
    const mandate = await this.dataSource.manager.findOneBy(Mandate, {
      id: mandateId,
      citizenId,
      status: In(GIVEN_MANDATE_STATUSES),
    });
    if (!mandate) throw new DomainException(ErrorCode.CitizenMandateNotFound);
    const [described] = await this.describe([mandate], now);
    return described;
  }

  /** The stored PDF of one of the citizen's attestations, or a 404. */
  async attestation(citizenId: string, mandateId: string, attestationId: string) {
    const attestation = await this.dataSource
      .getRepository(Attestation)
      .createQueryBuilder('a')
      .addSelect('a.pdf')
      .innerJoin(Mandate, 'm', 'm.id = a.mandate_id')
      .where('a.id = :attestationId AND m.id = :mandateId AND m.citizen_id = :citizenId', {
        attestationId,
        mandateId,
        citizenId,
      })
      .getOne();
    if (!attestation) throw new DomainException(ErrorCode.CitizenMandateNotFound);
    return { attestation, pdf: storedPdf(attestation) };
  }

  private async describe(mandates: Mandate[], now: Date): Promise<MyMandate[]> {
    if (mandates.length === 0) return [];
    const ids = mandates.map((mandate) => mandate.id);
    const manager = this.dataSource.manager;
    const [structures, procedures, attestations] = await Promise.all([
      manager.findBy(Structure, { id: In([...new Set(mandates.map((mandate) => mandate.structureId))]) }),
      manager.findBy(MandateProcedure, { mandateId: In(ids) }),
      manager.find(Attestation, { where: { mandateId: In(ids) }, order: { createdAt: 'ASC' } }),
    ]);
    return mandates.map((mandate) => {
      const structure = structures.find((candidate) => candidate.id === mandate.structureId)!;
      const areas = areaStates(
        mandate,
        procedures.filter((procedure) => procedure.mandateId === mandate.id),
        structure.active,
        now,
      );
      const state = mandateState(mandate, areas, now);
      return {
        id: mandate.id,
        structure: { name: structure.name, address: structure.address },
        areas,
        startsAt: mandate.startsAt!,
        expiresAt: mandate.expiresAt!,
        timeLeft: timeLeft(mandate.expiresAt!, now),
        state,
        stateLabel: MANDATE_STATE_LABELS[state],
        stoppable: areas.some((area) => area.usable),
        attestations: attestations
          .filter((attestation) => attestation.mandateId === mandate.id)
          .map(({ id, kind, createdAt }) => ({ id, kind, createdAt })),
      };
    });
  }
}
