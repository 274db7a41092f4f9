import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

import { CONSOLE_ACCESS, type ConsoleAccess } from '../interfaces/console-access.interface.js';
import { ConsoleSubjects } from '../services/console-subjects.service.js';
import { SessionCheck } from '../services/session-check.service.js';
import { CONSOLE_PATHS } from '../session-data.js';

/** The path of a same-site referer, to come back to after a step-up; the console home otherwise. */
function sameOriginPath(referer: string | undefined): string {
  const path = referer && URL.canParse(referer) ? new URL(referer).pathname : '';
  return path.startsWith('/') && !path.startsWith('//') ? path : CONSOLE_PATHS.home;
}

/**
 * Every console route goes through here: the session check (live session, aide and membership
 * still active, step-up), then the role. The member (or operator) is put on the request.
 */
@Injectable()
export class ConsoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionCheck,
    private readonly subjects: ConsoleSubjects,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<ConsoleAccess>(CONSOLE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request & { member?: unknown }>();
    const returnTo = request.method === 'GET' ? request.originalUrl : sameOriginPath(request.get('referer'));
    request.member = access.operator
      ? await this.sessions.require(request, this.subjects.operator, { stepUp: access.stepUp, returnTo })
      : await this.sessions.require(request, this.subjects.member, {
          stepUp: access.stepUp,
          returnTo,
          allow: (member) => access.roles.length === 0 || access.roles.includes(member.role),
        });
    return true;
  }
}
