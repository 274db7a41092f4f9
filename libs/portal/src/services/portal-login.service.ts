import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import type { FranceConnectIdentity } from '@relais/france-connect';
import { Citizen, Mandate, MandateStatus } from '@relais/mandates';
import { DataSource, In } from 'typeorm';

/** Mandates a citizen gave (consented once), whatever they became since. */
export const GIVEN_MANDATE_STATUSES = [MandateStatus.Active, MandateStatus.Expired, MandateStatus.Revoked];

/**
 * Portal login and logout: FranceConnect's subject names the Citizen; only a person who gave a
 * mandate gets in. Both are journaled (the citizen as actor).
 */
@Injectable()
export class PortalLogin {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  /** The citizen's id, or null for a person who never gave a mandate here. */
  async logIn(identity: Pick<FranceConnectIdentity, 'sub' | 'acr'>): Promise<string | null> {
    return this.dataSource.transaction(async (manager) => {
      const citizen = await manager.findOneBy(Citizen, { franceConnectSub: identity.sub });
      if (!citizen) return null;
      const given = await manager.existsBy(Mandate, { citizenId: citizen.id, status: In(GIVEN_MANDATE_STATUSES) });
      if (!given) return null;
      await this.audit.record(manager, {
        action: AuditAction.CitizenLoggedIn,
        actor: { type: AuditActorType.Citizen, id: citizen.id },
        citizenId: citizen.id,
        details: { acr: identity.acr },
      });
      return citizen.id;
    });
  }

  logOut(citizenId: string): Promise<void> {
    return this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: AuditAction.CitizenLoggedOut,
        actor: { type: AuditActorType.Citizen, id: citizenId },
        citizenId,
      }),
    );
  }
}
