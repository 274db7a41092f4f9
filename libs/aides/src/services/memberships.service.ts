import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { DataSource, type EntityManager } from 'typeorm';

import { MembershipRole } from '../enums/membership-role.enum.js';

/** The supervisor acting. The web guard checks their role too; every method checks it again. */
export interface SupervisorActor {
  aideId: string;
}

/** One person of a structure, as the supervisor's team page shows them. */
export interface StructureMember {
  aideId: string;
  membershipId: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  role: MembershipRole;
  /** Active in this structure (the membership); the account may still be active elsewhere. */
  active: boolean;
  /** The account itself: false once deactivated for dormancy. */
  accountActive: boolean;
  trainingValidatedAt: Date | null;
  secondFactorEnrolled: boolean;
  /** The invitation was used: a password is set. */
  accountActivated: boolean;
  lastLoginAt: Date | null;
}

interface LockedMembership {
  id: string;
  aide_id: string;
  role: MembershipRole;
  active: boolean;
  aide_active: boolean;
}

/** A change to one membership: returns the event to record, or null when nothing changed. */
type MembershipChange = (manager: EntityManager, target: LockedMembership) => Promise<AuditAction | null>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A supervisor's actions on the people of one structure. A person outside that structure is
 * "not found", never "forbidden": the answer must not reveal other structures' people.
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  async listForStructure(structureId: string, actor: SupervisorActor): Promise<StructureMember[]> {
    await this.assertSupervisor(this.dataSource.manager, structureId, actor);
    return this.dataSource.query(
      `SELECT a.id AS "aideId", m.id AS "membershipId", a.email, a.given_name AS "givenName",
              a.family_name AS "familyName", m.role, m.active, a.active AS "accountActive",
              m.training_validated_at AS "trainingValidatedAt",
              a.totp_secret IS NOT NULL AS "secondFactorEnrolled",
              a.password_hash IS NOT NULL AS "accountActivated", a.last_login_at AS "lastLoginAt"
         FROM memberships m JOIN aides a ON a.id = m.aide_id
        WHERE m.structure_id = $1
        ORDER BY a.family_name COLLATE "fr-x-icu" NULLS LAST, a.email`,
      [structureId],
    );
  }

  /** Removes the person from this structure only; a supervisor cannot remove themselves. */
  async deactivate(structureId: string, aideId: string, actor: SupervisorActor): Promise<void> {
    if (aideId.toLowerCase() === actor.aideId.toLowerCase()) throw new DomainException(ErrorCode.Forbidden);
    await this.change(structureId, aideId, actor, async (manager, target) => {
      if (!target.active) return null;
      await manager.query('UPDATE memberships SET active = false WHERE id = $1', [target.id]);
      return AuditAction.AideDeactivated;
    });
  }

  async reactivate(structureId: string, aideId: string, actor: SupervisorActor): Promise<void> {
    await this.change(structureId, aideId, actor, async (manager, target) => {
      if (target.active) return null;
      await manager.query('UPDATE memberships SET active = true WHERE id = $1', [target.id]);
      return AuditAction.AideReactivated;
    });
  }

  /** Habilitation: from now on the person may create and use mandates in this structure. */
  async validateTraining(structureId: string, aideId: string, actor: SupervisorActor): Promise<void> {
    await this.change(structureId, aideId, actor, async (manager, target) => {
      const [, changed] = await manager.query(
        'UPDATE memberships SET training_validated_at = now() WHERE id = $1 AND training_validated_at IS NULL',
        [target.id],
      );
      return changed === 1 ? AuditAction.AideTrainingValidated : null;
    });
  }

  /** Forgets the TOTP seed (lost phone): the person enrols a new one at their next login. */
  async resetSecondFactor(structureId: string, aideId: string, actor: SupervisorActor): Promise<void> {
    await this.change(structureId, aideId, actor, async (manager, target) => {
      const [, changed] = await manager.query(
        `UPDATE aides SET totp_secret = NULL, totp_last_step = NULL
          WHERE id = $1 AND (totp_secret IS NOT NULL OR totp_last_step IS NOT NULL)`,
        [target.aide_id],
      );
      return changed === 1 ? AuditAction.AideSecondFactorReset : null;
    });
  }

  /**
   * Locks the actor's and the target's memberships (in id order, so two supervisors acting on
   * each other wait rather than deadlock), checks both, applies the change and records it.
   */
  private async change(structureId: string, aideId: string, actor: SupervisorActor, apply: MembershipChange) {
    await this.dataSource.transaction(async (manager) => {
      const rows = await this.findMemberships(manager, structureId, actor, aideId);
      const own = this.supervisorIn(rows, actor);
      const target = UUID.test(aideId) && rows.find((row) => row.aide_id === aideId.toLowerCase());
      if (!target) throw new DomainException(ErrorCode.AideNotFound);
      const action = await apply(manager, target);
      if (action === null) return;
      await this.audit.record(manager, {
        action,
        actor: { type: AuditActorType.Aide, id: own.aide_id },
        structureId,
        details: { aideId: target.aide_id, membershipId: target.id },
      });
    });
  }

  private async assertSupervisor(manager: EntityManager, structureId: string, actor: SupervisorActor) {
    this.supervisorIn(await this.findMemberships(manager, structureId, actor), actor);
  }

  /** The actor's membership and, if given, the target's; locked when inside a transaction. */
  private async findMemberships(
    manager: EntityManager,
    structureId: string,
    actor: SupervisorActor,
    aideId?: string,
  ): Promise<LockedMembership[]> {
    if (!UUID.test(structureId) || !UUID.test(actor.aideId)) return [];
    const ids = aideId && UUID.test(aideId) ? [actor.aideId, aideId] : [actor.aideId];
    const lock = manager.queryRunner?.isTransactionActive ? 'FOR UPDATE OF m' : '';
    return manager.query(
      `SELECT m.id, m.aide_id, m.role, m.active, a.active AS aide_active
         FROM memberships m JOIN aides a ON a.id = m.aide_id
        WHERE m.structure_id = $1 AND m.aide_id = ANY ($2::uuid[])
        ORDER BY m.id ${lock}`,
      [structureId, ids],
    );
  }

  /** The actor's own membership, if it is an active supervisor's; otherwise Forbidden. */
  private supervisorIn(rows: LockedMembership[], actor: SupervisorActor): LockedMembership {
    const own = rows.find((row) => row.aide_id === actor.aideId.toLowerCase());
    const allowed = own?.role === MembershipRole.Supervisor && own.active && own.aide_active;
    if (!own || !allowed) throw new DomainException(ErrorCode.Forbidden);
    return own;
  }
}
