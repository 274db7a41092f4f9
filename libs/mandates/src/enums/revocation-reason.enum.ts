export enum RevocationReason {
  /** Stopped by the aide at the citizen's request. */
  Revoked = 'revoked',
  /** A newer mandate of the same structure covers the area. */
  Replaced = 'replaced',
}

/** Who revoked an area (`mandate_procedures.revoked_by`, set when the reason is `revoked`). */
export enum RevokedBy {
  /** The citizen themself, in the portal (/usager). */
  Citizen = 'citizen',
  /** An aide of the structure, at the counter with the citizen (`revoked_by_aide_id`). */
  Aide = 'aide',
}
