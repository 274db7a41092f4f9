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
  /** To the citizen when they consented to a mandate (with the attestation code). */
  CitizenMandateCreated = 'citizen_mandate_created',
  /** To the citizen, the day after their mandate was used: that day's uses (one per mandate and day). */
  CitizenMandateUsed = 'citizen_mandate_used',
  /** To the citizen, seven days before the end of a mandate still in force (once). */
  CitizenMandateEndsSoon = 'citizen_mandate_ends_soon',
  /** To an aide added to a structure by an accepted request or an import: the set-up link, or "log in". */
  AideInvited = 'aide_invited',
  /** To the applicant of a structure request (libs/onboarding), at each step, with a single-use link. */
  StructureRequestDraftSaved = 'structure_request_draft_saved',
  StructureRequestSubmitted = 'structure_request_submitted',
  StructureRequestChangesRequested = 'structure_request_changes_requested',
  StructureRequestAccepted = 'structure_request_accepted',
  StructureRequestRefused = 'structure_request_refused',
  StructureRequestClosed = 'structure_request_closed',
}
