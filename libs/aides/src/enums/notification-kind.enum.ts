/** What an email in the notifications outbox is about; stored as is, so never rename a value. */
export enum NotificationKind {
  DormancyWarning = 'dormancy_warning',
  DeactivatedForDormancy = 'deactivated_for_dormancy',
  /** To the aide who requested a mandate that reached its end (the structure's copy). */
  MandateExpired = 'mandate_expired',
  /** To the citizen whose mandate reached its end. */
  CitizenMandateExpired = 'citizen_mandate_expired',
  /** To the structure's supervisors after a revocation. */
  MandateRevoked = 'mandate_revoked',
  /** To the citizen after a revocation. */
  CitizenMandateRevoked = 'citizen_mandate_revoked',
}
