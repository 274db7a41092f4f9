import type { IDToken, UserInfoResponse } from 'openid-client';

import { UnexpectedFranceConnectResponseError } from './exceptions/unexpected-franceconnect-response.error.js';
import { identityFromClaims, idTokenDigest } from './identity-from-claims.js';

const ID_TOKEN = {
  iss: 'https://franceconnect.example/api/v2',
  sub: 'sub-1',
  aud: 'relais',
  iat: 1_795_000_000,
  exp: 1_795_000_600,
  acr: 'eidas1',
  auth_time: 1_794_999_990,
} as IDToken;

const USERINFO: UserInfoResponse = {
  sub: 'sub-1',
  given_name: 'Aminata',
  family_name: 'Diallo',
  birthdate: '1985-00-00',
  gender: 'female',
  birthplace: '',
  birthcountry: '99341',
  email: 'aminata.diallo@example.fr',
};

describe('identityFromClaims', () => {
  it('given FranceConnect claims, when mapped, then empty and absent optional claims become null', () => {
    const identity = identityFromClaims(ID_TOKEN, USERINFO, 'header.payload.signature');

    expect(identity).toEqual({
      sub: 'sub-1',
      givenName: 'Aminata',
      familyName: 'Diallo',
      birthdate: '1985-00-00',
      gender: 'female',
      birthplace: null,
      birthcountry: '99341',
      preferredUsername: null,
      email: 'aminata.diallo@example.fr',
      acr: 'eidas1',
      authTime: new Date('2026-11-18T11:06:30.000Z'),
      idTokenDigest: idTokenDigest('header.payload.signature'),
    });
  });

  it('given an ID token without auth_time, when mapped, then authTime is null', () => {
    const { auth_time: _omitted, ...withoutAuthTime } = ID_TOKEN;

    expect(identityFromClaims(withoutAuthTime as IDToken, USERINFO, 'a.b.c').authTime).toBeNull();
  });

  it('given a raw ID token, when digested, then the digest is its base64url SHA-256', () => {
    expect(idTokenDigest('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it.each([
    ['given_name', { given_name: undefined }, 'missing_claim'],
    ['family_name', { family_name: ' ' }, 'missing_claim'],
    ['birthdate', { birthdate: '17/03/1948' }, 'malformed_claim'],
    ['birthdate', { birthdate: '1948-13-01' }, 'malformed_claim'],
    ['birthdate', { birthdate: '2024-02-31' }, 'malformed_claim'],
    ['birthdate', { birthdate: '1899-13-00' }, 'malformed_claim'],
    ['gender', { gender: 'unknown' }, 'malformed_claim'],
    ['email', { email: 42 }, 'malformed_claim'],
  ])('given userinfo with a bad %s, when mapped, then it is refused naming the claim only', (claim, change, code) => {
    const attempt = () => identityFromClaims(ID_TOKEN, { ...USERINFO, ...change } as UserInfoResponse, 'a.b.c');

    expect(attempt).toThrow(UnexpectedFranceConnectResponseError);
    expect(attempt).toThrow(expect.objectContaining({ code, claim }));
  });
});
