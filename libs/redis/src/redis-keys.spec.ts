import { bullPrefix, oidcKeyPrefix, redisKeyPatterns } from './redis-keys.js';

describe('Redis key prefixes', () => {
  it('given a prefix, when the BullMQ and provider prefixes are made, then each is one hash tag of its own', () => {
    // Given / When / Then
    expect(bullPrefix('relais')).toBe('{relais:bull}');
    expect(oidcKeyPrefix('relais')).toBe('{relais:oidc}:');
  });

  it('given a prefix, when the key patterns are listed, then they cover the plain and the hash-tagged keys', () => {
    // Given / When / Then
    expect(redisKeyPatterns('relais')).toEqual(['relais:*', '{relais:bull}:*', '{relais:oidc}:*']);
  });
});
