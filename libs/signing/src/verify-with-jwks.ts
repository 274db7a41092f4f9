import { importJWK, type CryptoKey } from 'jose';

import { verifyCompactJws } from './compact-jws.js';
import type { PublicJwks } from './interfaces/public-jwks.interface.js';
import type { VerificationResult } from './interfaces/verification-result.interface.js';
import { SIGNING_ALG, toPublicJwk } from './key-material.js';

/**
 * Verifies a JWS against a published JWKS alone: no database, no configuration, so an
 * attestation can be checked offline. A kid absent from the set, or whose key is not an ES256
 * signing key, is an unknown kid.
 */
export function verifyWithJwks(jws: string, jwks: PublicJwks, expectedPayload?: object): Promise<VerificationResult> {
  return verifyCompactJws(jws, (kid) => keyOf(jwks, kid), expectedPayload);
}

async function keyOf(jwks: PublicJwks, kid: string): Promise<CryptoKey | null> {
  const jwk = (Array.isArray(jwks?.keys) ? jwks.keys : []).find((candidate) => candidate?.kid === kid);
  if (!jwk || (jwk.alg !== undefined && jwk.alg !== SIGNING_ALG) || (jwk.use !== undefined && jwk.use !== 'sig')) {
    return null;
  }
  try {
    return (await importJWK(toPublicJwk(jwk), SIGNING_ALG)) as CryptoKey;
  } catch {
    return null;
  }
}
