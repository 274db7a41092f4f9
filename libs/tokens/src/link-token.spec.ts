import { createHash } from 'node:crypto';

import { hashLinkToken, newLinkToken } from './link-token.js';

describe('newLinkToken', () => {
  it('given a new link, when its token is drawn, then it is 32 random bytes in base64url', () => {
    // Given / When
    const { token } = newLinkToken();

    // Then
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('given two links, when their tokens are drawn, then they differ', () => {
    // Given / When / Then
    expect(newLinkToken().token).not.toBe(newLinkToken().token);
  });

  it('given a new link, when its token is drawn, then the hash to store is its hex SHA-256', () => {
    // Given / When
    const { token, tokenHash } = newLinkToken();

    // Then
    expect(tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashLinkToken(token)).toBe(tokenHash);
  });
});
