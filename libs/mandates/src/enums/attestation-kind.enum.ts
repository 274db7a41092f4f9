export enum AttestationKind {
  Mandate = 'mandate',
  Revocation = 'revocation',
}
