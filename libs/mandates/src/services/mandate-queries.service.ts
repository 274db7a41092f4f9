import { Injectable } from '@nestjs/common';
import { Aide } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { Structure } from '@relais/structures';
import { searchable } from '@relais/text';
import { DataSource, In } from 'typeorm';

import { Attestation } from '../entities/attestation.entity.js';
import { Citizen } from '../entities/citizen.entity.js';
import { MandateProcedure } from '../entities/mandate-procedure.entity.js';
import { Mandate } from '../entities/mandate.entity.js';
import { MandateStatus } from '../enums/mandate-status.enum.js';
import { areaStates, MANDATE_STATE_SQL, mandateState, type AreaState, type MandateState } from '../mandate-state.js';

export const MANDATES_PAGE_SIZE = 50;
/** The console's home lists the mandates ending within this many days. */
export const ENDING_SOON_DAYS = 15;

export interface MandateFilter {
  /** Part of the citizen's name, accents and case ignored. */
  name?: string;
  state?: MandateState;
  page?: number;
}

export interface MandateSummary {
  mandate: Mandate;
  citizen: Citizen | null;
  state: MandateState;
  areas: AreaState[];
}

export interface MandateDetail extends MandateSummary {
  aide: Pick<Aide, 'givenName' | 'familyName' | 'email'>;
  attestations: Pick<Attestation, 'id' | 'kind' | 'code' | 'createdAt'>[];
  /** Newer mandates that renew this one. */
  renewedBy: Pick<Mandate, 'id'>[];
}

/** What the aide console shows of the structure's mandates. */
@Injectable()
export class MandateQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    structureId: string,
    filter: MandateFilter,
    now = new Date(),
  ): Promise<{ items: MandateSummary[]; total: number }> {
    const query = this.dataSource.manager
      .createQueryBuilder(Mandate, 'm')
      .leftJoinAndMapOne('m.citizen', Citizen, 'c', 'c.id = m.citizen_id')
      .innerJoin(Structure, 's', 's.id = m.structure_id')
      .where('m.structure_id = :structureId', { structureId, now })
      .orderBy('m.created_at', 'DESC')
      .take(MANDATES_PAGE_SIZE)
      .skip(((filter.page ?? 1) - 1) * MANDATES_PAGE_SIZE);
    const name = filter.name && searchable(filter.name);
    if (name) query.andWhere('c.search_name LIKE :name', { name: `%${name}%` });
    // The state as mandateState would name it, computed by the database from the same rules.
    if (filter.state) query.andWhere(`${MANDATE_STATE_SQL} = :state`, { state: filter.state });
    const [mandates, total] = await query.getManyAndCount();
    return { items: await this.summaries(structureId, mandates, now), total };
  }

  /** Mandates still in force ending within ENDING_SOON_DAYS and not yet renewed, soonest first. */
  async endingSoon(structureId: string, now = new Date()): Promise<MandateSummary[]> {
    const mandates = await this.dataSource.manager
      .createQueryBuilder(Mandate, 'm')
      .leftJoinAndMapOne('m.citizen', Citizen, 'c', 'c.id = m.citizen_id')
      .where('m.structure_id = :structureId AND m.status = :active', { structureId, active: MandateStatus.Active })
      .andWhere(`m.expires_at > :now AND m.expires_at <= :now::timestamptz + interval '${ENDING_SOON_DAYS} days'`, {
        now,
      })
      .andWhere('EXISTS (SELECT 1 FROM mandate_procedures p WHERE p.mandate_id = m.id AND p.revoked_at IS NULL)')
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM mandates r WHERE r.renews_mandate_id = m.id AND r.status IN (:...renewing))`,
        { renewing: [MandateStatus.PendingConsent, MandateStatus.Active] },
      )
      .orderBy('m.expires_at', 'ASC')
      .take(MANDATES_PAGE_SIZE)
      .getMany();
    return this.summaries(structureId, mandates, now);
  }

  /** Summaries of mandates loaded with their citizen (leftJoinAndMapOne 'm.citizen'). */
  private async summaries(structureId: string, mandates: Mandate[], now: Date): Promise<MandateSummary[]> {
    if (mandates.length === 0) return [];
    const structure = await this.dataSource.manager.findOneByOrFail(Structure, { id: structureId });
    const procedures = await this.dataSource.manager.findBy(MandateProcedure, {
      mandateId: In(mandates.map((m) => m.id)),
    });
    return mandates.map((mandate) =>
      this.summary(
        mandate,
        (mandate as Mandate & { citizen: Citizen | null }).citizen ?? null,
        procedures.filter((procedure) => procedure.mandateId === mandate.id),
        structure.active,
        now,
      ),
    );
  }

  async detail(structureId: string, mandateId: string, now = new Date()): Promise<MandateDetail> {
    const manager = this.dataSource.manager;
    const mandate = await manager.findOneBy(Mandate, { id: mandateId, structureId });
    if (!mandate) throw new DomainException(ErrorCode.MandateNotFound);
    const [structure, citizen, aide, procedures, attestations, renewedBy] = await Promise.all([
      manager.findOneByOrFail(Structure, { id: structureId }),
      mandate.citizenId ? manager.findOneBy(Citizen, { id: mandate.citizenId }) : null,
      manager.findOneByOrFail(Aide, { id: mandate.aideId }),
      manager.findBy(MandateProcedure, { mandateId }),
      manager.find(Attestation, { where: { mandateId }, order: { createdAt: 'ASC' } }),
      manager.find(Mandate, { where: { renewsMandateId: mandateId }, select: { id: true } }),
    ]);
    return {
      ...this.summary(mandate, citizen, procedures, structure.active, now),
      aide: { givenName: aide.givenName, familyName: aide.familyName, email: aide.email },
      attestations,
      renewedBy,
    };
  }

  private summary(
    mandate: Mandate,
    citizen: Citizen | null,
    procedures: MandateProcedure[],
    structureActive: boolean,
    now: Date,
  ): MandateSummary {
    const areas = areaStates(mandate, procedures, structureActive, now);
    return { mandate, citizen, areas, state: mandateState(mandate, areas, now) };
  }
}
