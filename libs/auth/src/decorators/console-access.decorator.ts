import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';

import { ConsoleGuard } from '../guards/console.guard.js';
import { CONSOLE_ACCESS, type ConsoleAccess } from '../interfaces/console-access.interface.js';
import type { MemberContext } from '../services/member-context.service.js';

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
