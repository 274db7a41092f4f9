/** Why a JWS was refused; the codes are stable, so callers may map them to their own messages. */
export enum VerificationFailure {
  /** Not a compact JWS of ours: wrong shape or encoding, unexpected header, payload not a JSON object. */
  Malformed = 'malformed',
  /** No published key carries the header's `kid`. */
  UnknownKid = 'unknown_kid',
  /** The signature does not match the header and payload: the JWS was altered, or forged. */
  BadSignature = 'bad_signature',
  /** The signature is good but covers another payload than the one expected. */
  PayloadMismatch = 'payload_mismatch',
}
