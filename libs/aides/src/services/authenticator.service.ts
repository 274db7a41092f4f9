import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { DataSource, type EntityManager } from 'typeorm';

import { Aide } from '../entities/aide.entity.js';
import { normalizeEmail } from './email-address.js';
import { PasswordPolicy } from './password-policy.service.js';
import { SecretBox } from './secret-box.service.js';
import { TotpEnrolment } from './totp-enrolment.service.js';
import { TotpService } from './totp.service.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

/** Compared against when the email is unknown, so both cases cost one argon2 verification. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$ERnqOsfPhg31rjQiHPVpsQ$Z4WvJfhaTqOVVVxwaou9U4CLihOFp7sfduf+mGzP4ag';

/**
 * The one login implementation (console and, later, delegated login): password, then TOTP.
 * Every failure answers the same way whether the account exists, is locked or is inactive.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly passwords: PasswordPolicy,
    private readonly totp: TotpService,
    private readonly secrets: SecretBox,
    private readonly enrolment: TotpEnrolment,
  ) {}

  /** First factor. Returns the aide, who must then give a TOTP code (or enrol one after a reset). */
  async checkPassword(email: string, password: string): Promise<Aide> {
    const aide = await this.dataSource
      .getRepository(Aide)
      .createQueryBuilder('a')
      .where('lower(a.email) = :email', { email: normalizeEmail(email) })
      .getOne();
    const matches = await this.passwords.verify(aide?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    if (!aide || !aide.passwordHash || !aide.active || this.isLocked(aide)) {
      throw new DomainException(ErrorCode.InvalidCredentials);
    }
    if (!matches) {
      await this.recordFailure(aide.id, 'password');
      throw new DomainException(ErrorCode.InvalidCredentials);
    }
    return aide;
  }

  /** Second factor at login: a fresh code (never one already used) completes the login. */
  async completeLogin(aideId: string, code: string, structureId?: string): Promise<Aide> {
    return this.acceptCode(aideId, code, async (manager, aide) => {
      await manager.update(Aide, { id: aide.id }, { lastLoginAt: new Date(), dormancyWarnedAt: null, failedLogins: 0 });
      await this.audit.record(manager, {
        action: AuditAction.AideLoggedIn,
        actor: { type: AuditActorType.Aide, id: aide.id },
        structureId: structureId ?? null,
        details: { amr: ['pwd', 'otp'] },
      });
    });
  }

  /**
   * After a supervisor reset the second factor: the aide, past the password step, enrols a new
   * TOTP secret, proved by a code from their app, and is logged in.
   */
  async enrolSecondFactor(aideId: string, secret: string, code: string): Promise<void> {
    const { totpSecret, totpLastStep } = await this.enrolment.accept(secret, code);
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.query(
        `UPDATE aides SET totp_secret = $1, totp_last_step = $2, last_login_at = now(), dormancy_warned_at = NULL, failed_logins = 0
          WHERE id = $3 AND active AND totp_secret IS NULL`,
        [totpSecret, totpLastStep, aideId],
      );
      if (result[1] !== 1) throw new DomainException(ErrorCode.InvalidCredentials);
      const actor = { type: AuditActorType.Aide, id: aideId };
      await this.audit.record(manager, { action: AuditAction.AideSecondFactorEnrolled, actor });
      await this.audit.record(manager, { action: AuditAction.AideLoggedIn, actor, details: { amr: ['pwd', 'otp'] } });
    });
  }

  /** Step-up before a sensitive action after 15 minutes idle. */
  async stepUp(aideId: string, code: string, structureId: string): Promise<void> {
    await this.acceptCode(aideId, code, (manager, aide) =>
      this.audit.record(manager, {
        action: AuditAction.AideStepUp,
        actor: { type: AuditActorType.Aide, id: aide.id },
        structureId,
      }),
    );
  }

  private async acceptCode(
    aideId: string,
    code: string,
    onAccepted: (manager: EntityManager, aide: Aide) => Promise<void>,
  ): Promise<Aide> {
    const aide = await this.dataSource.getRepository(Aide).findOneBy({ id: aideId });
    if (!aide?.active || !aide.totpSecret || this.isLocked(aide))
      throw new DomainException(ErrorCode.InvalidCredentials);
    const step = await this.totp.verify(this.secrets.open(aide.totpSecret), code, aide.totpLastStep);
    if (step === null) {
      await this.recordFailure(aide.id, 'totp');
      throw new DomainException(ErrorCode.InvalidTotpCode);
    }
    return this.dataSource.transaction(async (manager) => {
      // Conditional update: two requests racing with the same code cannot both pass.
      const result = await manager.query(
        'UPDATE aides SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)',
        [step, aide.id],
      );
      if (result[1] !== 1) throw new DomainException(ErrorCode.InvalidTotpCode);
      await onAccepted(manager, aide);
      return aide;
    });
  }

  private isLocked(aide: Aide): boolean {
    return aide.lockedUntil !== null && aide.lockedUntil.getTime() > Date.now();
  }

  /** Counts a failure; the fifth in a row locks the account for 15 minutes. */
  private async recordFailure(aideId: string, factor: 'password' | 'totp'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query(
        `UPDATE aides
            SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + $3 * interval '1 millisecond' ELSE locked_until END
          WHERE id = $1
        RETURNING locked_until > now() AS locked`,
        [aideId, MAX_FAILED_LOGINS, LOCKOUT_MS],
      );
      const actor = { type: AuditActorType.Aide, id: aideId };
      await this.audit.record(manager, { action: AuditAction.AideLoginFailed, actor, details: { factor } });
      if (rows[0]?.locked) await this.audit.record(manager, { action: AuditAction.AideLockedOut, actor });
    });
  }
}
