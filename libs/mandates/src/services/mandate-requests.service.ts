import { Inject, Injectable } from '@nestjs/common';
import { aideMayAct, assertMayAct } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { FranceConnectIdentity } from '@relais/france-connect';
import { Structure, toProcedureAreas } from '@relais/structures';
import { hashLinkToken, newLinkToken } from '@relais/tokens';
import { searchable } from '@relais/text';
import { DataSource, type EntityManager } from 'typeorm';

import { Citizen } from '../entities/citizen.entity.js';
import { Mandate } from '../entities/mandate.entity.js';
import { ConsentChannel } from '../enums/consent-channel.enum.js';
import type { MandateDuration } from '../enums/mandate-duration.enum.js';
import { MandateStatus } from '../enums/mandate-status.enum.js';

/** A remote consent link is valid 24 hours. */
export const REMOTE_LINK_TTL_MS = 24 * 3600 * 1000;

export interface MandateRequest {
  structureId: string;
  aideId: string;
  areas: readonly string[];
  duration: MandateDuration;
  channel: ConsentChannel;
  /** The mandate this one renews (same structure), if any. */
  renewsMandateId?: string | null;
}

export interface RequestedMandate {
  mandate: Mandate;
  /** Remote channel: the single-use link to give the citizen (shown once, never stored). */
  link: string | null;
}

/**
 * The aide's side of a mandate before consent: the request (areas within the structure's
 * perimeter, a duration of the catalogue, by a trained aide), the remote link, and the citizen's
 * FranceConnect identification.
 */
@Injectable()
export class MandateRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async request(input: MandateRequest): Promise<RequestedMandate> {
    return this.dataSource.transaction(async (manager) => {
      assertMayAct(await aideMayAct(manager, input.structureId, input.aideId));
      const structure = await manager.findOneByOrFail(Structure, { id: input.structureId });
      const areas = toProcedureAreas(input.areas);
      if (areas.length === 0 || areas.some((area) => !structure.areas.includes(area))) {
        throw new DomainException(ErrorCode.AreaOutsidePerimeter);
      }
      if (input.renewsMandateId) {
        const renewed = await manager.findOneBy(Mandate, { id: input.renewsMandateId, structureId: structure.id });
        if (!renewed) throw new DomainException(ErrorCode.MandateNotFound);
      }
      const link = input.channel === ConsentChannel.Remote ? newLinkToken() : null;
      const mandate = await manager.save(
        manager.create(Mandate, {
          structureId: structure.id,
          aideId: input.aideId,
          areas,
          duration: input.duration,
          channel: input.channel,
          status: MandateStatus.PendingConsent,
          remoteTokenHash: link?.tokenHash ?? null,
          remoteExpiresAt: link ? new Date(Date.now() + REMOTE_LINK_TTL_MS) : null,
          renewsMandateId: input.renewsMandateId ?? null,
        }),
      );
      await this.audit.record(manager, {
        action: AuditAction.MandateRequested,
        actor: { type: AuditActorType.Aide, id: input.aideId },
        structureId: structure.id,
        mandateId: mandate.id,
        details: { areas, duration: input.duration, channel: input.channel, renews: mandate.renewsMandateId },
      });
      return { mandate, link: link && `${this.config.ISSUER}/consentement/lien/${link.token}` };
    });
  }

  /** The pending mandate a remote link opens; refused when unknown, expired, used or decided. */
  async openRemoteLink(token: string, now = new Date()): Promise<Mandate> {
    const mandate = await this.dataSource.manager.findOneBy(Mandate, { remoteTokenHash: hashLinkToken(token) });
    if (!mandate || mandate.status !== MandateStatus.PendingConsent || mandate.remoteExpiresAt! <= now) {
      throw new DomainException(ErrorCode.ConsentLinkInvalid);
    }
    return mandate;
  }

  /** A pending mandate, ready for the citizen to identify (for the same-device channel). */
  async pending(structureId: string, mandateId: string): Promise<Mandate> {
    const mandate = await this.dataSource.manager.findOneBy(Mandate, { id: mandateId, structureId });
    if (!mandate) throw new DomainException(ErrorCode.MandateNotFound);
    if (mandate.status !== MandateStatus.PendingConsent) throw new DomainException(ErrorCode.MandateAlreadyDecided);
    return mandate;
  }

  /**
   * Records who FranceConnect identified for a pending mandate: the citizen (one per subject,
   * identity refreshed) is attached to it, not yet consenting.
   */
  async identify(mandateId: string, identity: FranceConnectIdentity): Promise<Citizen> {
    return this.dataSource.transaction(async (manager) => {
      const mandate = await manager.findOne(Mandate, { where: { id: mandateId }, lock: { mode: 'pessimistic_write' } });
      if (!mandate || mandate.status !== MandateStatus.PendingConsent) {
        throw new DomainException(ErrorCode.MandateAlreadyDecided);
      }
      const citizen = await upsertCitizen(manager, identity);
      await manager.update(Mandate, { id: mandate.id }, { citizenId: citizen.id });
      await this.audit.record(manager, {
        action: AuditAction.MandateCitizenIdentified,
        actor: { type: AuditActorType.Citizen, id: citizen.id },
        structureId: mandate.structureId,
        citizenId: citizen.id,
        mandateId: mandate.id,
        details: { acr: identity.acr },
      });
      return citizen;
    });
  }
}

async function upsertCitizen(manager: EntityManager, identity: FranceConnectIdentity): Promise<Citizen> {
  const fields = {
    givenName: identity.givenName,
    familyName: identity.familyName,
    birthdate: identity.birthdate,
    gender: identity.gender,
    birthplace: identity.birthplace,
    birthcountry: identity.birthcountry,
    preferredUsername: identity.preferredUsername,
    email: identity.email,
    searchName: searchable(`${identity.givenName} ${identity.familyName} ${identity.preferredUsername ?? ''}`),
  };
  // One statement, so two first identifications of the same person at once make one citizen.
  await manager
    .createQueryBuilder()
    .insert()
    .into(Citizen)
    .values({ franceConnectSub: identity.sub, ...fields })
    .orUpdate(
      [
        'given_name',
        'family_name',
        'birthdate',
        'gender',
        'birthplace',
        'birthcountry',
        'preferred_username',
        'email',
        'search_name',
      ],
      ['france_connect_sub'],
    )
    .execute();
  await manager.query('UPDATE citizens SET identity_updated_at = now() WHERE france_connect_sub = $1', [identity.sub]);
  return manager.findOneByOrFail(Citizen, { franceConnectSub: identity.sub });
}
