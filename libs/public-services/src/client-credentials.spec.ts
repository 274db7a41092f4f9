import {
  CLIENT_ID_PATTERN,
  clientSecretMatches,
  hashClientSecret,
  newClientId,
  newClientSecret,
} from './client-credentials.js';

describe('client credentials', () => {
  it('gives each public service a different, URL-safe client_id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newClientId()));
    expect(ids.size).toBe(100);
    ids.forEach((id) => expect(id).toMatch(CLIENT_ID_PATTERN));
  });

  it('makes a 256-bit base64url secret and keeps only its SHA-256', () => {
    // When a secret is made
    const { clientSecret, secretHash } = newClientSecret();
    // Then it is 43 base64url characters, and the stored hash is 64 hex digits that do not contain it
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(clientSecret, 'base64url')).toHaveLength(32);
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash).toBe(hashClientSecret(clientSecret));
  });

  it('accepts the secret it was made from', () => {
    const { clientSecret, secretHash } = newClientSecret();
    expect(clientSecretMatches(secretHash, clientSecret)).toBe(true);
  });

  it.each([
    ['another secret', () => newClientSecret().clientSecret],
    ['the secret with one more character', (secret: string) => `${secret}x`],
    ['the secret in upper case', (secret: string) => secret.toUpperCase()],
    ['the stored hash itself', (_secret: string, hash: string) => hash],
    ['an empty string', () => ''],
    ['no value at all', () => undefined],
  ])('refuses %s', (_case, presented: (secret: string, hash: string) => unknown) => {
    const { clientSecret, secretHash } = newClientSecret();
    expect(clientSecretMatches(secretHash, presented(clientSecret, secretHash))).toBe(false);
  });
});
