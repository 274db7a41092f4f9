import { createHash, randomBytes } from 'node:crypto';

/**
 * A random token for a single-use link (32 bytes, base64url), and its SHA-256, which is what is
 * stored: a leaked table holds no usable link.
 */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashLinkToken(token) };
}

/** The stored form of a link token (hex SHA-256): look a presented token up by it. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
