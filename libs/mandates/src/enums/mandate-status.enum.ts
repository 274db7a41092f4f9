export enum MandateStatus {
  /** Created by the aide, waiting for the citizen to identify and consent (or refuse). */
  PendingConsent = 'pending_consent',
  Active = 'active',
  Expired = 'expired',
  Revoked = 'revoked',
  /** The citizen said no: kept for the record, never usable. */
  Refused = 'refused',
}
