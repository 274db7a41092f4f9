import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { hashLinkToken, newLinkToken } from '@relais/tokens';
import { DataSource, type EntityManager, IsNull } from 'typeorm';

import { Aide } from '../entities/aide.entity.js';
import { Invitation } from '../entities/invitation.entity.js';
import { Membership } from '../entities/membership.entity.js';
import { MembershipRole } from '../enums/membership-role.enum.js';
import { normalizeEmail } from './email-address.js';
import { PasswordPolicy } from './password-policy.service.js';
import { NotificationKind } from '../enums/notification-kind.enum.js';
import { SecretBox } from './secret-box.service.js';
import { TotpEnrolment } from './totp-enrolment.service.js';

export const INVITATION_TTL_MS = 72 * 3600 * 1000;

export interface InviteCommand {
  structureId: string;
  email: string;
  role: MembershipRole;
  givenName?: string;
  familyName?: string;
  /** The training is already done (habilitation): the new membership is validated at once. */
  trained?: boolean;
}

/** How `inviteIn` fits the caller's transaction. */
export interface InviteOptions {
  /** Record `aide.invited` (default); a bulk import records one event for the whole file instead. */
  record?: boolean;
  /** Put an `aide_invited` email in the outbox, with the link (sealed) or "log in"; none by default. */
  notify?: { structureName: string };
}

export interface Actor {
  type: AuditActorType;
  id?: string | null;
}

export interface IssuedInvitation {
  aideId: string;
  /** The set-up link; null when the person already has an account (they see the structure at login). */
  link: string | null;
  expiresAt: Date | null;
}

/** Invitations: who may join a structure, and the single-use link to set up the account. */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly passwords: PasswordPolicy,
    private readonly enrolment: TotpEnrolment,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Adds a person to a structure. A new person gets an account and a 72 h set-up link (an older
   * unused link stops working); someone who already has an account just gets the membership and
   * chooses the structure at their next login. Inviting again someone who has not set up their
   * account sends a new link; someone with an account already in the structure is refused (a
   * deactivated member is reactivated from the team page).
   */
  async invite(command: InviteCommand, actor: Actor): Promise<IssuedInvitation> {
    return this.dataSource.transaction((manager) => this.inviteIn(manager, command, actor));
  }

  /**
   * `invite` inside the caller's transaction (accepting a structure request, confirming an
   * import): the same rules, nothing written unless that transaction commits.
   */
  async inviteIn(
    manager: EntityManager,
    command: InviteCommand,
    actor: Actor,
    { record = true, notify }: InviteOptions = {},
  ): Promise<IssuedInvitation> {
    const email = normalizeEmail(command.email);
    let aide = await manager
      .getRepository(Aide)
      .createQueryBuilder('a')
      .where('lower(a.email) = :email', { email })
      .setLock('pessimistic_write')
      .getOne();
    aide ??= await manager.save(
      manager.create(Aide, { email, givenName: command.givenName ?? null, familyName: command.familyName ?? null }),
    );
    let membership = await manager.findOneBy(Membership, { aideId: aide.id, structureId: command.structureId });
    if (membership && aide.passwordHash) throw new DomainException(ErrorCode.AlreadyMember);
    membership ??= await manager.save(
      manager.create(Membership, {
        aideId: aide.id,
        structureId: command.structureId,
        role: command.role,
        trainingValidatedAt: command.trained ? new Date() : null,
      }),
    );
    let issued: IssuedInvitation = { aideId: aide.id, link: null, expiresAt: null };
    let token: string | null = null;
    if (!aide.passwordHash) {
      await manager.update(Invitation, { aideId: aide.id, usedAt: IsNull() }, { usedAt: new Date() });
      const link = newLinkToken();
      token = link.token;
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      await manager.insert(Invitation, {
        aideId: aide.id,
        structureId: command.structureId,
        tokenHash: link.tokenHash,
        expiresAt,
      });
      issued = { aideId: aide.id, link: `${this.config.ISSUER}/invitation/${token}`, expiresAt };
    }
    if (notify) {
      const payload = {
        structureId: command.structureId,
        structureName: notify.structureName,
        role: membership.role,
        expiresAt: issued.expiresAt?.toISOString() ?? null,
        ...(token ? { sealedToken: this.secrets.seal(token) } : {}),
      };
      await manager.query('INSERT INTO notifications (aide_id, kind, payload) VALUES ($1, $2, $3)', [
        aide.id,
        NotificationKind.AideInvited,
        JSON.stringify(payload),
      ]);
    }
    if (!record) return issued;
    await this.audit.record(manager, {
      action: AuditAction.AideInvited,
      actor,
      structureId: command.structureId,
      details: {
        aideId: aide.id,
        membershipId: membership.id,
        role: membership.role,
        expiresAt: issued.expiresAt?.toISOString() ?? null,
      },
    });
    return issued;
  }

  /** The invitation and its aide, if the link is still valid (unused, not expired). */
  async findValid(token: string, manager: EntityManager = this.dataSource.manager) {
    const invitation = await manager.findOne(Invitation, {
      where: { tokenHash: hashLinkToken(token) },
      lock: manager.queryRunner?.isTransactionActive ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!invitation || invitation.usedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new DomainException(ErrorCode.InvitationInvalid);
    }
    const aide = await manager.findOneByOrFail(Aide, { id: invitation.aideId });
    return { invitation, aide };
  }

  /**
   * Sets the password and the second factor, in one transaction, only if the TOTP code proves
   * the person's app holds the secret; the link is then used up.
   */
  async activate(token: string, password: string, totpSecret: string, code: string): Promise<Aide> {
    return this.dataSource.transaction(async (manager) => {
      const { invitation, aide } = await this.findValid(token, manager);
      this.passwords.assertAcceptable(password, [aide.email, aide.givenName, aide.familyName]);
      Object.assign(aide, await this.enrolment.accept(totpSecret, code));
      aide.passwordHash = await this.passwords.hash(password);
      aide.failedLogins = 0;
      aide.lockedUntil = null;
      await manager.save(aide);
      await manager.update(Invitation, { id: invitation.id }, { usedAt: new Date() });
      await this.audit.record(manager, {
        action: AuditAction.AideAccountActivated,
        actor: { type: AuditActorType.Aide, id: aide.id },
        structureId: invitation.structureId,
        details: { invitationId: invitation.id },
      });
      return aide;
    });
  }
}
