import { compactVerify, type CryptoKey, errors } from 'jose';

import { canonicalPayload } from './canonical-payload.js';
import { VerificationFailure } from './enums/verification-failure.enum.js';
import type { VerificationResult } from './interfaces/verification-result.interface.js';
import { SIGNING_ALG } from './key-material.js';

/** RFC 7515 §9.1: the media type of a compact JWS whose payload is not a JWT. */
export const SEAL_TYP = 'JOSE';

/** The protected header of every JWS the platform signs (a type, so jose takes it as header parameters). */
export type SealHeader = {
  alg: typeof SIGNING_ALG;
  kid: string;
  typ: typeof SEAL_TYP;
};

/** Finds the public key of a kid; null when there is none. */
export type KeyResolver = (kid: string) => Promise<CryptoKey | null>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a compact JWS sealed by the platform; the one place the rules live, for the database
 * keys (Signer) and for a published JWKS (verifyWithJwks). A bad JWS gives a failure, not a throw.
 */
export async function verifyCompactJws(
  jws: string,
  resolveKey: KeyResolver,
  expectedPayload?: object,
): Promise<VerificationResult> {
  const header = readSealHeader(jws);
  if (!header) return { valid: false, reason: VerificationFailure.Malformed };
  const { kid } = header;
  const key = await resolveKey(kid);
  if (!key) return { valid: false, reason: VerificationFailure.UnknownKid, kid };
  let signed: Uint8Array;
  try {
    signed = (await compactVerify(jws, key, { algorithms: [SIGNING_ALG] })).payload;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { valid: false, reason: VerificationFailure.BadSignature, kid };
    }
    if (error instanceof errors.JOSEError) return { valid: false, reason: VerificationFailure.Malformed, kid };
    throw error;
  }
  const payload = parseObject(signed);
  if (!payload) return { valid: false, reason: VerificationFailure.Malformed, kid };
  if (expectedPayload !== undefined && !sameBytes(signed, canonicalPayload(expectedPayload))) {
    return { valid: false, reason: VerificationFailure.PayloadMismatch, kid };
  }
  return { valid: true, kid, payload };
}

/**
 * The header of a JWS shaped like ours, or null. Each part must be canonical base64url, so no
 * change to the string (not even to a last character's unused bits) goes unnoticed.
 */
export function readSealHeader(jws: unknown): SealHeader | null {
  if (typeof jws !== 'string') return null;
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every(isCanonicalBase64url)) return null;
  const header = parseObject(Buffer.from(parts[0], 'base64url'));
  if (!header || header.alg !== SIGNING_ALG || header.typ !== SEAL_TYP) return null;
  if (typeof header.kid !== 'string' || header.kid === '') return null;
  return { alg: SIGNING_ALG, kid: header.kid, typ: SEAL_TYP };
}

function isCanonicalBase64url(part: string): boolean {
  return BASE64URL.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part;
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
