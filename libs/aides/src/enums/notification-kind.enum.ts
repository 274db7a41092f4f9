/** What an email in the notifications outbox is about; stored as is, so never rename a value. */
export enum NotificationKind {
  DormancyWarning = 'dormancy_warning',
  DeactivatedForDormancy = 'deactivated_for_dormancy',
}
