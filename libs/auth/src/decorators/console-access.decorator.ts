import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import type { MembershipRole } from '@relais/aides';

import { ConsoleGuard } from '../guards/console.guard.js';
import type { MemberContext } from '../services/member-context.service.js';

export const CONSOLE_ACCESS = 'relais:console-access';

export interface ConsoleAccess {
  /** Roles allowed; empty means any member of the current structure. */
  roles: MembershipRole[];
  /** Sensitive action: after 15 minutes idle the aide re-enters a TOTP code first. */
  stepUp: boolean;
  /** Operator pages: an operator account, whatever its structure (roles are then ignored). */
  operator: boolean;
}

/** Route for a logged-in member of the current structure, optionally with a role and step-up. */
export function Console(access: Partial<ConsoleAccess> = {}) {
  return applyDecorators(
    SetMetadata(CONSOLE_ACCESS, {
      roles: access.roles ?? [],
      stepUp: access.stepUp ?? false,
      operator: access.operator ?? false,
    }),
    UseGuards(ConsoleGuard),
  );
}

/** The MemberContext the ConsoleGuard loaded for this request. */
export const Member = createParamDecorator(
  (_data: unknown, context: ExecutionContext): MemberContext => context.switchToHttp().getRequest().member,
);
