import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `ps_` and 16 hex digits (64 random bits): URL-safe, and readable in logs and tables. */
export const CLIENT_ID_PATTERN = /^ps_[0-9a-f]{16}$/;

export function newClientId(): string {
  return `ps_${randomBytes(8).toString('hex')}`;
}

/** A client secret (32 random bytes, base64url) and the hash that is stored instead of it. */
export function newClientSecret(): { clientSecret: string; secretHash: string } {
  const clientSecret = randomBytes(32).toString('base64url');
  return { clientSecret, secretHash: hashClientSecret(clientSecret) };
}

/**
 * Plain SHA-256, without salt or slow KDF: the secret is 256 random bits, so neither a
 * dictionary nor brute force can invert the hash, and checking it stays cheap at every token call.
 */
export function hashClientSecret(clientSecret: string): string {
  return createHash('sha256').update(clientSecret, 'utf8').digest('hex');
}

/** Compares the hash of what the client presented with the stored one, in constant time. */
export function clientSecretMatches(secretHash: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const expected = Buffer.from(secretHash, 'hex');
  const actual = Buffer.from(hashClientSecret(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
