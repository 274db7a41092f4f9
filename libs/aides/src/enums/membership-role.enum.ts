export enum MembershipRole {
  Aide = 'aide',
  Supervisor = 'supervisor',
}

export const MEMBERSHIP_ROLE_LABELS: Record<MembershipRole, string> = {
  [MembershipRole.Aide]: 'Aidant',
  [MembershipRole.Supervisor]: 'Responsable de structure',
};
