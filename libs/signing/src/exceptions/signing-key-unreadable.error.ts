/**
 * A stored private key could not be decrypted: SECRETS_KEY is not the one it was encrypted with,
 * or the row was altered. An operator problem, not a user's: it surfaces as an internal error.
 */
export class SigningKeyUnreadableError extends Error {
  constructor(readonly kid: string) {
    super(`The private signing key ${kid} cannot be decrypted with the configured SECRETS_KEY`);
    this.name = 'SigningKeyUnreadableError';
  }
}
