/**
 * The catalogue of business events written to the liability audit log. Each later module adds
 * its own actions here, so the list of what is journaled can be read in one place.
 */
export enum AuditAction {
  DemoDataSeeded = 'platform.demo_seeded',
}

export enum AuditActorType {
  Aide = 'aide',
  Citizen = 'citizen',
  Operator = 'operator',
  PublicService = 'public_service',
  System = 'system',
}
