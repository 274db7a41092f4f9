export enum RevocationReason {
  /** Stopped by the aide at the citizen's request. */
  Revoked = 'revoked',
  /** A newer mandate of the same structure covers the area. */
  Replaced = 'replaced',
}
