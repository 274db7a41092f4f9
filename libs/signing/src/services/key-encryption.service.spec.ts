import { createCipheriv, randomBytes } from 'node:crypto';

import { KeyEncryption } from './key-encryption.service.js';

const SECRETS_KEY = randomBytes(32).toString('base64');
const KID = 'kid-of-the-key';
const PRIVATE_JWK = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'the-private-scalar' });

describe('KeyEncryption', () => {
  const encryption = new KeyEncryption({ SECRETS_KEY });

  it('opens what it sealed, for the same kid', () => {
    const sealed = encryption.seal(KID, PRIVATE_JWK);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(encryption.open(KID, sealed)).toBe(PRIVATE_JWK);
  });

  it('stores nothing of the key in clear, and never the same text twice', () => {
    const sealed = encryption.seal(KID, PRIVATE_JWK);
    expect(sealed).not.toContain('the-private-scalar');
    expect(sealed).not.toContain('"d"');
    expect(encryption.seal(KID, PRIVATE_JWK)).not.toBe(sealed);
  });

  it('refuses to open a ciphertext moved to another kid', () => {
    const sealed = encryption.seal(KID, PRIVATE_JWK);
    expect(() => encryption.open('another-kid', sealed)).toThrow();
  });

  it('refuses to open with another SECRETS_KEY', () => {
    const sealed = encryption.seal(KID, PRIVATE_JWK);
    const other = new KeyEncryption({ SECRETS_KEY: randomBytes(32).toString('base64') });
    expect(() => other.open(KID, sealed)).toThrow();
  });

  it('during a rotation: opens what the previous key sealed, seals under the new one only', () => {
    const newKey = randomBytes(32).toString('base64');
    const rotating = new KeyEncryption({ SECRETS_KEY: newKey, SECRETS_KEY_PREVIOUS: SECRETS_KEY });
    const underOld = encryption.seal(KID, PRIVATE_JWK);
    expect(rotating.open(KID, underOld)).toBe(PRIVATE_JWK);
    const resealed = rotating.reseal(KID, underOld);
    expect(new KeyEncryption({ SECRETS_KEY: newKey }).open(KID, resealed)).toBe(PRIVATE_JWK);
    expect(() => encryption.open(KID, resealed)).toThrow();
  });

  it('does not open what SECRETS_KEY itself encrypted (TOTP seeds): the key is derived apart', () => {
    // Given a ciphertext made directly with SECRETS_KEY, as the aides' SecretBox does
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(SECRETS_KEY, 'base64'), iv).setAAD(Buffer.from(KID));
    const data = Buffer.concat([cipher.update(PRIVATE_JWK), cipher.final()]);
    const foreign = ['v1', iv, cipher.getAuthTag(), data].map((p) =>
      typeof p === 'string' ? p : p.toString('base64url'),
    );
    // Then it does not open as a signing key
    expect(() => encryption.open(KID, foreign.join('.'))).toThrow();
  });

  it('refuses an altered ciphertext, a truncated tag and an unknown format', () => {
    const [version, iv, tag, data] = encryption.seal(KID, PRIVATE_JWK).split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => encryption.open(KID, [version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => encryption.open(KID, [version, iv, shortTag, data].join('.'))).toThrow();
    expect(() => encryption.open(KID, ['v2', iv, tag, data].join('.'))).toThrow('Unknown sealed key format');
    expect(() => encryption.open(KID, 'not-sealed')).toThrow('Unknown sealed key format');
  });
});
