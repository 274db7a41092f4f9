import { CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';

import { canonicalPayload } from './canonical-payload.js';
import { readSealHeader } from './compact-jws.js';
import { VerificationFailure } from './enums/verification-failure.enum.js';
import type { PublicJwks } from './interfaces/public-jwks.interface.js';
import { generateKeyMaterial, type KeyMaterial } from './key-material.js';
import { verifyWithJwks } from './verify-with-jwks.js';

const TERMS = { mandate: 'm-1', areas: ['papers', 'money'], end: '2027-06-01T00:00:00.000Z' };
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Seals like Signer does, with a key held in memory (no database here). */
async function seal(material: KeyMaterial, payload: object | Uint8Array, header: Record<string, unknown> = {}) {
  const bytes = payload instanceof Uint8Array ? payload : canonicalPayload(payload);
  const key = (await importJWK(material.privateJwk as JWK, 'ES256')) as CryptoKey;
  return new CompactSign(bytes)
    .setProtectedHeader({ alg: 'ES256', kid: material.kid, typ: 'JOSE', ...header })
    .sign(key);
}

const jwksOf = (...materials: KeyMaterial[]): PublicJwks => ({
  keys: materials.map((m) => ({ ...m.publicJwk, kid: m.kid, alg: 'ES256', use: 'sig' })),
});

describe('verifyWithJwks', () => {
  let current: KeyMaterial;
  let previous: KeyMaterial;
  let jwks: PublicJwks;

  beforeAll(async () => {
    [current, previous] = await Promise.all([generateKeyMaterial(), generateKeyMaterial()]);
    jwks = jwksOf(current, previous);
  });

  it('gives back the signed payload and the kid of a good seal', async () => {
    const jws = await seal(current, TERMS);
    expect(await verifyWithJwks(jws, jwks)).toEqual({ valid: true, kid: current.kid, payload: TERMS });
  });

  it('verifies with any key of the set, not only the first', async () => {
    const jws = await seal(previous, TERMS);
    expect(await verifyWithJwks(jws, jwks)).toMatchObject({ valid: true, kid: previous.kid });
  });

  it('accepts the expected payload in any key order, and refuses another one', async () => {
    const jws = await seal(current, TERMS);
    const reordered = { end: TERMS.end, areas: TERMS.areas, mandate: TERMS.mandate };
    expect(await verifyWithJwks(jws, jwks, reordered)).toMatchObject({ valid: true });
    expect(await verifyWithJwks(jws, jwks, { ...TERMS, areas: ['papers'] })).toEqual({
      valid: false,
      reason: VerificationFailure.PayloadMismatch,
      kid: current.kid,
    });
  });

  it('refuses a seal whose every single character was changed, whichever it is', async () => {
    // Given a good seal
    const jws = await seal(current, TERMS);
    // When any one character is replaced by another base64url character (or a dot by one)
    const results = await Promise.all(
      [...jws].map((char, index) => {
        const replacement = BASE64URL[(BASE64URL.indexOf(char) + 1) % BASE64URL.length];
        return verifyWithJwks(jws.slice(0, index) + replacement + jws.slice(index + 1), jwks);
      }),
    );
    // Then none of the altered seals verifies
    expect(results.filter((result) => result.valid)).toEqual([]);
  });

  it('calls a changed signature or payload a bad signature', async () => {
    const jws = await seal(current, TERMS);
    const [header, payload, signature] = jws.split('.');
    const other = Buffer.from(JSON.stringify({ ...TERMS, areas: ['money'] })).toString('base64url');
    const flipped = Buffer.from(signature, 'base64url');
    flipped[10] ^= 0x01;
    for (const altered of [
      `${header}.${other}.${signature}`,
      `${header}.${payload}.${flipped.toString('base64url')}`,
    ]) {
      expect(await verifyWithJwks(altered, jwks)).toEqual({
        valid: false,
        reason: VerificationFailure.BadSignature,
        kid: current.kid,
      });
    }
  });

  it('refuses a seal made by a key the set does not hold, naming its kid', async () => {
    const stranger = await generateKeyMaterial();
    const jws = await seal(stranger, TERMS);
    expect(await verifyWithJwks(jws, jwks)).toEqual({
      valid: false,
      reason: VerificationFailure.UnknownKid,
      kid: stranger.kid,
    });
  });

  it('refuses a stranger who reuses a published kid', async () => {
    const stranger = await generateKeyMaterial();
    const jws = await seal({ ...stranger, kid: current.kid }, TERMS);
    expect(await verifyWithJwks(jws, jwks)).toMatchObject({ valid: false, reason: VerificationFailure.BadSignature });
  });

  it('treats a kid whose published key is not an ES256 signing key as unknown', async () => {
    const jws = await seal(current, TERMS);
    const [published] = jwks.keys;
    for (const key of [
      { ...published, alg: 'RS256' },
      { ...published, use: 'enc' },
      { ...published, crv: 'P-384' },
    ]) {
      expect(await verifyWithJwks(jws, { keys: [key] } as unknown as PublicJwks)).toMatchObject({
        reason: VerificationFailure.UnknownKid,
      });
    }
    expect(await verifyWithJwks(jws, {} as PublicJwks)).toMatchObject({ reason: VerificationFailure.UnknownKid });
  });

  it.each([
    ['another type', { typ: 'JWT' }],
    ['no kid', { kid: undefined }],
    ['an empty kid', { kid: '' }],
  ])('refuses a header with %s as malformed', async (_what, header) => {
    const jws = await seal(current, TERMS, header);
    expect(await verifyWithJwks(jws, jwks)).toEqual({ valid: false, reason: VerificationFailure.Malformed });
  });

  it('refuses an unsigned ("alg": "none") or HMAC token as malformed', async () => {
    const payload = Buffer.from(JSON.stringify(TERMS)).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: current.kid, typ: 'JOSE' })).toString('base64url');
    const hmac = Buffer.from(JSON.stringify({ alg: 'HS256', kid: current.kid, typ: 'JOSE' })).toString('base64url');
    expect(await verifyWithJwks(`${none}.${payload}.`, jwks)).toMatchObject({ reason: VerificationFailure.Malformed });
    expect(await verifyWithJwks(`${hmac}.${payload}.c2ln`, jwks)).toMatchObject({
      reason: VerificationFailure.Malformed,
    });
  });

  it('refuses a well-signed payload that is not a JSON object as malformed', async () => {
    const jws = await seal(current, new TextEncoder().encode('[1,2,3]'));
    expect(await verifyWithJwks(jws, jwks)).toEqual({
      valid: false,
      reason: VerificationFailure.Malformed,
      kid: current.kid,
    });
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', 'é.b.c', 'a..c', 42, null])('refuses %p as malformed', async (input) => {
    expect(await verifyWithJwks(input as string, jwks)).toEqual({
      valid: false,
      reason: VerificationFailure.Malformed,
    });
  });
});

describe('readSealHeader', () => {
  it('reads the kid of a seal without verifying it', async () => {
    const material = await generateKeyMaterial();
    expect(readSealHeader(await seal(material, TERMS))).toEqual({ alg: 'ES256', kid: material.kid, typ: 'JOSE' });
  });
});
