import { canonicalize } from 'json-canonicalize';

/**
 * The bytes that get signed: the RFC 8785 canonical JSON of a JSON object, so the same data
 * always gives the same bytes whatever the key order. Throws on values JSON cannot hold
 * (NaN, Infinity, BigInt, cycles) rather than signing something else.
 */
export function canonicalPayload(payload: object): Uint8Array {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TypeError('A signed payload must be a JSON object');
  }
  return new TextEncoder().encode(canonicalize(payload));
}
