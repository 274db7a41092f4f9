import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

import type { PublicJwk } from './interfaces/public-jwks.interface.js';

export const SIGNING_ALG = 'ES256';

/** A freshly generated key pair, ready to store. */
export interface KeyMaterial {
  kid: string;
  publicJwk: PublicJwk;
  privateJwk: JWK;
}

/**
 * Generates an ES256 key pair. Its kid is the RFC 7638 SHA-256 thumbprint of the public key:
 * unique, not guessable, and anyone holding the JWKS can recompute it.
 */
export async function generateKeyMaterial(): Promise<KeyMaterial> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = toPublicJwk(await exportJWK(publicKey));
  const privateJwk = await exportJWK(privateKey);
  return { kid: await calculateJwkThumbprint(publicJwk, 'sha256'), publicJwk, privateJwk };
}

/** Keeps the public members of an EC P-256 JWK only. */
export function toPublicJwk(jwk: JWK): PublicJwk {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new TypeError('Not an EC P-256 key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}
