/** An EC P-256 public key as a JWK (RFC 7517), without private parts. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** A key as published in the JWKS: what a verifier needs to pick it and use it. */
export interface PublishedJwk extends PublicJwk {
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** The platform's JSON Web Key Set: every key, the active one first. */
export interface PublicJwks {
  keys: PublishedJwk[];
}
