import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWKS } from 'oidc-provider';

/** The configured keys, or one ES256 key made now (tokens of a previous run then stop verifying). */
export async function signingKeys(configured?: JWKS): Promise<JWKS> {
  if (configured) return configured;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, alg: 'ES256', use: 'sig', kid: await calculateJwkThumbprint(jwk) }] };
}
