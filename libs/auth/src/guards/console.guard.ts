import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { Request } from 'express';

import { CONSOLE_ACCESS, type ConsoleAccess } from '../decorators/console-access.metadata.js';
import { CONSOLE_PATHS, SESSION_ABSOLUTE_MS, STEP_UP_IDLE_MS } from '../session-data.js';

/** The path of a same-site referer, to come back to after a step-up; the console home otherwise. */
function sameOriginPath(referer: string | undefined): string {
  const path = referer && URL.canParse(referer) ? new URL(referer).pathname : '';
  return path.startsWith('/') && !path.startsWith('//') ? path : CONSOLE_PATHS.home;
}
import { MemberContexts } from '../services/member-context.service.js';

/**
 * Every console route goes through here: a live session (12 h at most), an aide and a membership
 * still active (a deactivated aide is out at their next request), the role, and step-up.
 */
@Injectable()
export class ConsoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly members: MemberContexts,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<ConsoleAccess>(CONSOLE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request & { member?: unknown }>();
    const session = request.session;
    const now = Date.now();
    if (!session?.aideId || !session.loginAt || now - session.loginAt > SESSION_ABSOLUTE_MS) {
      await this.end(request);
      throw new DomainException(ErrorCode.Unauthorized, { redirectTo: CONSOLE_PATHS.login });
    }
    let member: unknown;
    if (access.operator) {
      member = await this.members.operator(session.aideId);
      if (!member) throw new DomainException(ErrorCode.Forbidden);
    } else {
      if (!session.structureId)
        throw new DomainException(ErrorCode.StructureChoiceRequired, { redirectTo: CONSOLE_PATHS.structureChoice });
      const context = await this.members.find(session.aideId, session.structureId);
      if (!context) {
        await this.end(request);
        throw new DomainException(ErrorCode.Unauthorized, { redirectTo: CONSOLE_PATHS.login });
      }
      if (access.roles.length > 0 && !access.roles.includes(context.role))
        throw new DomainException(ErrorCode.Forbidden);
      member = context;
    }
    // Idle for more than 15 minutes at any point since the last code: sensitive actions need a new code.
    if (now - (session.lastSeenAt ?? now) > STEP_UP_IDLE_MS) session.stepUpNeeded = true;
    session.lastSeenAt = now;
    if (access.stepUp && session.stepUpNeeded) {
      session.returnTo = request.method === 'GET' ? request.originalUrl : sameOriginPath(request.get('referer'));
      throw new DomainException(ErrorCode.StepUpRequired, { redirectTo: CONSOLE_PATHS.stepUp });
    }
    request.member = member;
    return true;
  }

  private end(request: Request): Promise<void> {
    return new Promise((resolve) => (request.session ? request.session.destroy(() => resolve()) : resolve()));
  }
}
