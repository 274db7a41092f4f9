import { Injectable } from '@nestjs/common';
import { Aide, Authenticator } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { Request } from 'express';
import { DataSource } from 'typeorm';

import { CONSOLE_PATHS } from '../session-data.js';
import { MemberContexts } from './member-context.service.js';

const promisify = (run: (done: (error?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));

/**
 * The console login flow over the one Authenticator: password, then TOTP (or enrolment after a
 * reset), a new session id at each step, then the structure. Returns where to go next.
 */
@Injectable()
export class ConsoleLogin {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly members: MemberContexts,
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  async password(request: Request, email: string, password: string): Promise<string> {
    const aide = await this.authenticator.checkPassword(email, password);
    await renewSession(request);
    request.session.pendingAideId = aide.id;
    return aide.totpSecret ? CONSOLE_PATHS.code : CONSOLE_PATHS.enrolment;
  }

  /** The aide between the password and the code steps (for the enrolment label). */
  async pendingAide(request: Request): Promise<Aide> {
    return this.dataSource.getRepository(Aide).findOneByOrFail({ id: this.pendingAideId(request) });
  }

  pendingAideId(request: Request): string {
    const aideId = request.session?.pendingAideId;
    if (!aideId) throw new DomainException(ErrorCode.Unauthorized, { redirectTo: CONSOLE_PATHS.login });
    return aideId;
  }

  async code(request: Request, code: string): Promise<string> {
    const aideId = this.pendingAideId(request);
    const memberships = await this.members.forAide(aideId);
    await this.authenticator.completeLogin(
      aideId,
      code,
      memberships.length === 1 ? memberships[0].structureId : undefined,
    );
    return this.open(
      request,
      aideId,
      memberships.map((m) => m.structureId),
    );
  }

  async enrol(request: Request, secret: string, code: string): Promise<string> {
    const aideId = this.pendingAideId(request);
    await this.authenticator.enrolSecondFactor(aideId, secret, code);
    const memberships = await this.members.forAide(aideId);
    return this.open(
      request,
      aideId,
      memberships.map((m) => m.structureId),
    );
  }

  /** Step-up: a fresh code clears the idle mark; back to where the aide was going. */
  async stepUp(request: Request, code: string): Promise<string> {
    const { aideId, structureId } = request.session;
    if (!aideId || !structureId) throw new DomainException(ErrorCode.Unauthorized, { redirectTo: CONSOLE_PATHS.login });
    await this.authenticator.stepUp(aideId, code, structureId);
    request.session.stepUpNeeded = false;
    request.session.lastSeenAt = Date.now();
    return popReturnTo(request);
  }

  /** Choose or switch the structure worked for; a switch is journaled. */
  async chooseStructure(request: Request, structureId: string): Promise<string> {
    const aideId = request.session?.aideId;
    if (!aideId) throw new DomainException(ErrorCode.Unauthorized, { redirectTo: CONSOLE_PATHS.login });
    const member = await this.members.find(aideId, structureId);
    if (!member) throw new DomainException(ErrorCode.Forbidden);
    const previous = request.session.structureId;
    if (previous && previous !== structureId) {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, {
          action: AuditAction.AideStructureSwitched,
          actor: { type: AuditActorType.Aide, id: aideId },
          structureId,
          details: { from: previous },
        }),
      );
    }
    request.session.structureId = structureId;
    return popReturnTo(request);
  }

  async logout(request: Request): Promise<void> {
    const { aideId, structureId } = request.session ?? {};
    if (aideId) {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, {
          action: AuditAction.AideLoggedOut,
          actor: { type: AuditActorType.Aide, id: aideId },
          structureId: structureId ?? null,
        }),
      );
    }
    if (request.session) await promisify((done) => request.session.destroy(done));
  }

  private async open(request: Request, aideId: string, structureIds: string[]): Promise<string> {
    await renewSession(request);
    const now = Date.now();
    Object.assign(request.session, { aideId, loginAt: now, lastSeenAt: now, stepUpNeeded: false });
    if (structureIds.length === 1) {
      request.session.structureId = structureIds[0];
      return popReturnTo(request);
    }
    return CONSOLE_PATHS.structureChoice;
  }
}

/** A new session id at each login step, keeping where the aide was going (e.g. a delegated login). */
async function renewSession(request: Request): Promise<void> {
  const { returnTo } = request.session;
  await promisify((done) => request.session.regenerate(done));
  if (returnTo) request.session.returnTo = returnTo;
}

/** The page the aide was going to (kept through login, structure choice or step-up), or home. */
function popReturnTo(request: Request): string {
  const returnTo = request.session.returnTo ?? CONSOLE_PATHS.home;
  delete request.session.returnTo;
  return returnTo;
}
