import { calculateJwkThumbprint } from 'jose';

import { generateKeyMaterial, toPublicJwk } from './key-material.js';

describe('generateKeyMaterial', () => {
  it('names a new key by the SHA-256 thumbprint of its public key', async () => {
    const material = await generateKeyMaterial();
    expect(material.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(material.kid).toBe(await calculateJwkThumbprint(material.publicJwk, 'sha256'));
  });

  it('keeps the private part out of the public JWK', async () => {
    const { publicJwk, privateJwk } = await generateKeyMaterial();
    expect(Object.keys(publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(privateJwk.d).toEqual(expect.any(String));
  });

  it('gives two keys two different kids', async () => {
    const [a, b] = await Promise.all([generateKeyMaterial(), generateKeyMaterial()]);
    expect(a.kid).not.toBe(b.kid);
  });
});

describe('toPublicJwk', () => {
  it('refuses a key that is not EC P-256', () => {
    expect(() => toPublicJwk({ kty: 'RSA', n: 'x', e: 'AQAB' })).toThrow('Not an EC P-256 key');
    expect(() => toPublicJwk({ kty: 'EC', crv: 'P-384', x: 'x', y: 'y' })).toThrow('Not an EC P-256 key');
  });
});
