import { createHash } from 'node:crypto';

import { isBirthdate } from '@relais/dates';
import type { IDToken, UserInfoResponse } from 'openid-client';

import { UnexpectedFranceConnectResponseError } from './exceptions/unexpected-franceconnect-response.error.js';
import type { FranceConnectIdentity } from './interfaces/france-connect-identity.interface.js';

function required(userinfo: UserInfoResponse, claim: string): string {
  const value = userinfo[claim];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UnexpectedFranceConnectResponseError('missing_claim', claim);
  }
  return value;
}

/** FranceConnect sends "" for a birthplace abroad; Relais says null for "nothing". */
function optional(userinfo: UserInfoResponse, claim: string): string | null {
  const value = userinfo[claim];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new UnexpectedFranceConnectResponseError('malformed_claim', claim);
  return value;
}

/** base64url SHA-256 of the raw ID token. */
export function idTokenDigest(idToken: string): string {
  return createHash('sha256').update(idToken, 'ascii').digest('base64url');
}

/**
 * The identity from an ID token and a userinfo response that openid-client has already verified
 * (signatures, issuer, audience, nonce, subject); refuses one that lacks part of the identité pivot.
 */
export function identityFromClaims(
  idToken: IDToken,
  userinfo: UserInfoResponse,
  rawIdToken: string,
): FranceConnectIdentity {
  const birthdate = required(userinfo, 'birthdate');
  if (!isBirthdate(birthdate)) throw new UnexpectedFranceConnectResponseError('malformed_claim', 'birthdate');
  const gender = required(userinfo, 'gender');
  if (gender !== 'male' && gender !== 'female') {
    throw new UnexpectedFranceConnectResponseError('malformed_claim', 'gender');
  }
  if (typeof idToken.acr !== 'string') throw new UnexpectedFranceConnectResponseError('missing_claim', 'acr');
  return {
    sub: idToken.sub,
    givenName: required(userinfo, 'given_name'),
    familyName: required(userinfo, 'family_name'),
    birthdate,
    gender,
    birthplace: optional(userinfo, 'birthplace'),
    birthcountry: optional(userinfo, 'birthcountry'),
    preferredUsername: optional(userinfo, 'preferred_username'),
    email: optional(userinfo, 'email'),
    acr: idToken.acr,
    authTime: typeof idToken.auth_time === 'number' ? new Date(idToken.auth_time * 1000) : null,
    idTokenDigest: idTokenDigest(rawIdToken),
  };
}
