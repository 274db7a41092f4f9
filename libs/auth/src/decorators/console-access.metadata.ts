import type { MembershipRole } from '@relais/aides';

/** Metadata key under which `@Console()` stores a route's ConsoleAccess for the ConsoleGuard. */
export const CONSOLE_ACCESS = 'relais:console-access';

export interface ConsoleAccess {
  /** Roles allowed; empty means any member of the current structure. */
  roles: MembershipRole[];
  /** Sensitive action: after 15 minutes idle the aide re-enters a TOTP code first. */
  stepUp: boolean;
  /** Operator pages: an operator account, whatever its structure (roles are then ignored). */
  operator: boolean;
}
