/** A signing key signs while `active`; once `retired` it only verifies what it signed before. */
export enum SigningKeyStatus {
  Active = 'active',
  Retired = 'retired',
}
