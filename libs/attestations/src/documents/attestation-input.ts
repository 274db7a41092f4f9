import type { AttestationVerification } from '../interfaces/attestation-verification.interface.js';
import { isCompactJws } from '../seal/embedded-seal.js';

/** Refuses input that would print a wrong or unverifiable attestation; these are caller bugs. */
export function assertVerification(verification: AttestationVerification): void {
  if (!verification.code.trim()) throw new TypeError('an attestation needs its verification code');
  if (!/^https?:\/\/\S+$/.test(verification.url))
    throw new TypeError('an attestation needs an http(s) verification URL');
  if (!isCompactJws(verification.seal)) throw new TypeError('an attestation seal must be a compact JWS');
}

export function assertAreas(areas: { label: string }[], what: string): void {
  if (areas.length === 0) throw new TypeError(`${what} names at least one procedure area`);
}

export function assertDates(...dates: Date[]): void {
  if (dates.some((date) => !(date instanceof Date) || Number.isNaN(date.getTime()))) {
    throw new TypeError('an attestation date is not a valid date');
  }
}
