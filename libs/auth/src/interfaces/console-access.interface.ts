import type { MembershipRole } from '@relais/aides';

/** The metadata key @Console() sets and ConsoleGuard reads. */
export const CONSOLE_ACCESS = 'relais:console-access';

export interface ConsoleAccess {
  /** Roles allowed; empty means any member of the current structure. */
  roles: MembershipRole[];
  /** Sensitive action: after 15 minutes idle the aide re-enters a TOTP code first. */
  stepUp: boolean;
  /** Operator pages: an operator account, whatever its structure (roles are then ignored). */
  operator: boolean;
}
