/**
 * The catalogue of business events written to the liability audit log. Each later module adds
 * its own actions here, so the list of what is journaled can be read in one place.
 */
export enum AuditAction {
  DemoDataSeeded = 'platform.demo_seeded',
  // Platform signing keys
  SigningKeyCreated = 'signing_key.created',
  SigningKeyRotated = 'signing_key.rotated',
  SecretsKeyRotated = 'platform.secrets_key_rotated',
  ProviderSigningKeysRotated = 'oidc_signing_key.rotated',
  // Structures (operator)
  StructureCreated = 'structure.created',
  StructurePerimeterChanged = 'structure.perimeter_changed',
  // Aides and memberships
  AideInvited = 'aide.invited',
  AideAccountActivated = 'aide.account_activated',
  AideLoggedIn = 'aide.logged_in',
  AideLoginFailed = 'aide.login_failed',
  AideLockedOut = 'aide.locked_out',
  AideLoggedOut = 'aide.logged_out',
  AideStructureSwitched = 'aide.structure_switched',
  AideStepUp = 'aide.step_up',
  AideDeactivated = 'aide.deactivated',
  AideReactivated = 'aide.reactivated',
  AideTrainingValidated = 'aide.training_validated',
  AideSecondFactorReset = 'aide.second_factor_reset',
  AideSecondFactorEnrolled = 'aide.second_factor_enrolled',
  AideDormancyWarned = 'aide.dormancy_warned',
  AideDeactivatedForDormancy = 'aide.deactivated_for_dormancy',
  // Mandates
  MandateRequested = 'mandate.requested',
  MandateCitizenIdentified = 'mandate.citizen_identified',
  MandateConsented = 'mandate.consented',
  MandateRefused = 'mandate.refused',
  MandateAreaReplaced = 'mandate.area_replaced',
  MandateAreaRevoked = 'mandate.area_revoked',
  MandateRevoked = 'mandate.revoked',
  MandateExpired = 'mandate.expired',
  AttestationIssued = 'attestation.issued',
  AttestationDownloaded = 'attestation.downloaded',
  /** Retention: a citizen's personal data removed, every mandate of theirs ended long enough ago. */
  CitizenPersonalDataRemoved = 'citizen.personal_data_removed',
  OperatorGranted = 'operator.granted',
  OperatorRevoked = 'operator.revoked',
  // Delegated login (Relais as OpenID provider)
  DelegatedLogin = 'delegation.logged_in',
  DelegatedLoginRefused = 'delegation.refused',
  DelegationsEnded = 'delegation.ended',
  // Public services (operator)
  PublicServiceRegistered = 'public_service.registered',
  PublicServiceAreasChanged = 'public_service.areas_changed',
  PublicServiceDisabled = 'public_service.disabled',
  PublicServiceEnabled = 'public_service.enabled',
  PublicServiceSecretRotated = 'public_service.secret_rotated',
  /** The `act` claim (who acts) disclosed to a public service, or not any more. */
  PublicServiceActDisclosureChanged = 'public_service.act_disclosure_changed',
  /** A wrong client secret at the token endpoint (journaled; rate-limited per client and per IP). */
  PublicServiceAuthenticationFailed = 'public_service.authentication_failed',
  // Citizen portal
  CitizenLoggedIn = 'citizen.logged_in',
  CitizenLoggedOut = 'citizen.logged_out',
  CitizenHistoryViewed = 'citizen.history_viewed',
  // Digital mediation places (operator import)
  PlacesImported = 'places.imported',
  // Translations of the consent text (operator)
  ConsentTranslationAdded = 'consent.translation_added',
  // Onboarding: structure requests (libs/onboarding) and aides imported in bulk
  StructureRequestDrafted = 'structure_request.drafted',
  StructureRequestSubmitted = 'structure_request.submitted',
  StructureRequestChangesRequested = 'structure_request.changes_requested',
  StructureRequestAmended = 'structure_request.amended',
  StructureRequestAccepted = 'structure_request.accepted',
  StructureRequestRefused = 'structure_request.refused',
  StructureRequestClosed = 'structure_request.closed',
  StructureRequestLinkSent = 'structure_request.link_sent',
  StructureRequestPersonalDataRemoved = 'structure_request.personal_data_removed',
  AidesImported = 'aides.imported',
  // Queue board (operator): failed jobs retried, one (`jobId`) or all of a queue (`failedJobs: 'all'`)
  QueueJobsRetried = 'queue.jobs_retried',
  // Audit reports (libs/reports)
  ReportExportRequested = 'report.export_requested',
  ReportDownloaded = 'report.downloaded',
  CitizenReportDownloaded = 'citizen.report_downloaded',
}

export enum AuditActorType {
  Aide = 'aide',
  Citizen = 'citizen',
  Operator = 'operator',
  PublicService = 'public_service',
  System = 'system',
  /** The applicant of a structure request, known by the request's id (libs/onboarding). */
  Applicant = 'applicant',
}
