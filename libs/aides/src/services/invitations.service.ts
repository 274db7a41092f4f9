import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { hashLinkToken, newLinkToken } from '@relais/tokens';
import { DataSource, type EntityManager } from 'typeorm';

import { Aide } from '../entities/aide.entity.js';
import { Invitation } from '../entities/invitation.entity.js';
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

interface AccountRow {
  id: string;
  email: string;
  activated: boolean;
}

interface MembershipRow {
  id: string;
  aide_id: string;
  structure_id: string;
  role: MembershipRole;
}

interface InviteTarget {
  command: InviteCommand & { email: string };
  account: AccountRow;
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
   * `invite` inside the caller's transaction (accepting a structure request): the same rules,
   * nothing written unless that transaction commits.
   */
  async inviteIn(
    manager: EntityManager,
    command: InviteCommand,
    actor: Actor,
    options: InviteOptions = {},
  ): Promise<IssuedInvitation> {
    const [issued] = await this.inviteManyIn(manager, [command], actor, options);
    return issued;
  }

  /**
   * The one implementation of the invitation rules, for one person or a whole file (an import
   * confirms thousands in one transaction): a few set-based statements whatever the number.
   * Every command must name a different person (address) per structure. If any of them already
   * has an account in its structure, `AlreadyMember` is thrown and nothing is written.
   */
  async inviteManyIn(
    manager: EntityManager,
    commands: readonly InviteCommand[],
    actor: Actor,
    { record = true, notify }: InviteOptions = {},
  ): Promise<IssuedInvitation[]> {
    if (commands.length === 0) return [];
    const list = commands.map((command) => ({ ...command, email: normalizeEmail(command.email) }));
    const emails = [...new Set(list.map((command) => command.email))];
    // Existing accounts are locked, so a concurrent invitation of the same person waits for us.
    const existing: AccountRow[] = await manager.query(
      'SELECT id, lower(email) AS email, password_hash IS NOT NULL AS activated FROM aides WHERE lower(email) = ANY($1::text[]) FOR UPDATE',
      [emails],
    );
    const accounts = new Map(existing.map((row) => [row.email, row]));
    const missing = [...new Map(list.filter((c) => !accounts.has(c.email)).map((c) => [c.email, c] as const)).values()];
    if (missing.length > 0) {
      const created: AccountRow[] = await manager.query(
        `INSERT INTO aides (email, given_name, family_name)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
         RETURNING id, email, false AS activated`,
        [
          missing.map((c) => c.email),
          missing.map((c) => c.givenName ?? null),
          missing.map((c) => c.familyName ?? null),
        ],
      );
      for (const row of created) accounts.set(row.email, row);
    }
    const targets = list.map((command) => ({ command, account: accounts.get(command.email)! }));
    const found: MembershipRow[] = await manager.query(
      `SELECT m.id, m.aide_id, m.structure_id, m.role FROM memberships m
         JOIN unnest($1::uuid[], $2::uuid[]) AS t (aide_id, structure_id) USING (aide_id, structure_id)`,
      [targets.map((t) => t.account.id), targets.map((t) => t.command.structureId)],
    );
    const key = (aideId: string, structureId: string) => `${aideId}/${structureId}`;
    const memberships = new Map(found.map((row) => [key(row.aide_id, row.structure_id), row]));
    if (targets.some((t) => t.account.activated && memberships.has(key(t.account.id, t.command.structureId)))) {
      throw new DomainException(ErrorCode.AlreadyMember);
    }
    const newMemberships = targets.filter((t) => !memberships.has(key(t.account.id, t.command.structureId)));
    if (newMemberships.length > 0) {
      const inserted: MembershipRow[] = await manager.query(
        `INSERT INTO memberships (aide_id, structure_id, role, training_validated_at)
         SELECT aide_id, structure_id, role, CASE WHEN trained THEN now() END
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::boolean[]) AS t (aide_id, structure_id, role, trained)
         RETURNING id, aide_id, structure_id, role`,
        [
          newMemberships.map((t) => t.account.id),
          newMemberships.map((t) => t.command.structureId),
          newMemberships.map((t) => t.command.role),
          newMemberships.map((t) => t.command.trained === true),
        ],
      );
      for (const row of inserted) memberships.set(key(row.aide_id, row.structure_id), row);
    }
    // People without an account get a new set-up link; their older unused links stop working.
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    const links = new Map<InviteTarget, string>();
    const toLink = targets.filter((t) => !t.account.activated);
    if (toLink.length > 0) {
      await manager.query(
        'UPDATE invitations SET used_at = now() WHERE aide_id = ANY($1::uuid[]) AND used_at IS NULL',
        [toLink.map((t) => t.account.id)],
      );
      const hashes: string[] = [];
      for (const target of toLink) {
        const { token, tokenHash } = newLinkToken();
        links.set(target, token);
        hashes.push(tokenHash);
      }
      await manager.query(
        `INSERT INTO invitations (aide_id, structure_id, token_hash, expires_at)
         SELECT aide_id, structure_id, token_hash, $4 FROM unnest($1::uuid[], $2::uuid[], $3::text[])
             AS t (aide_id, structure_id, token_hash)`,
        [toLink.map((t) => t.account.id), toLink.map((t) => t.command.structureId), hashes, expiresAt],
      );
    }
    const issued = targets.map((target) => {
      const token = links.get(target);
      return {
        target,
        membership: memberships.get(key(target.account.id, target.command.structureId))!,
        token,
        result: {
          aideId: target.account.id,
          link: token ? `${this.config.ISSUER}/invitation/${token}` : null,
          expiresAt: token ? expiresAt : null,
        } satisfies IssuedInvitation,
      };
    });
    if (notify) {
      await manager.query(
        'INSERT INTO notifications (aide_id, kind, payload) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])',
        [
          issued.map((i) => i.result.aideId),
          issued.map(() => NotificationKind.AideInvited),
          issued.map((i) =>
            JSON.stringify({
              structureId: i.target.command.structureId,
              structureName: notify.structureName,
              role: i.membership.role,
              expiresAt: i.result.expiresAt?.toISOString() ?? null,
              ...(i.token ? { sealedToken: this.secrets.seal(i.token) } : {}),
            }),
          ),
        ],
      );
    }
    if (record) {
      await this.audit.recordMany(
        manager,
        issued.map((i) => ({
          action: AuditAction.AideInvited,
          actor,
          structureId: i.target.command.structureId,
          details: {
            aideId: i.result.aideId,
            membershipId: i.membership.id,
            role: i.membership.role,
            expiresAt: i.result.expiresAt?.toISOString() ?? null,
          },
        })),
      );
    }
    return issued.map((i) => i.result);
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
