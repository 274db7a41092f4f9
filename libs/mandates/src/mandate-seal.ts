import { createHash } from 'node:crypto';

import { canonicalPayload } from '@relais/signing';

import type { Citizen } from './entities/citizen.entity.js';
import type { ConsentEvidence } from './interfaces/consent-evidence.interface.js';

/**
 * The signed statement of a consented mandate (compact JWS payload). Version 2 adds
 * `consent.factsDigest`, covering the consent facts kept with the mandate; version 3 adds
 * `consent.translation` (the language and digests of the translation shown, or null). Version 1
 * and 2 seals, made before, still verify.
 */
export interface MandateSealPayload {
  type: 'relais/mandate';
  version: 1 | 2 | 3;
  mandateId: string;
  structure: { id: string; siret: string; name: string };
  aide: { id: string };
  citizen: { identityDigest: string };
  areas: string[];
  duration: string;
  startsAt: string;
  expiresAt: string;
  consent: ConsentEvidence;
}

/** The signed statement that areas of a mandate (or all of them) stopped. */
export interface RevocationSealPayload {
  type: 'relais/revocation';
  version: 1;
  mandateId: string;
  /** SHA-256 (base64url) of the mandate's seal: which sealed mandate this revocation ends. */
  mandateSealDigest: string;
  structure: { id: string; siret: string };
  /** The aide who did it with the citizen present; absent when the citizen did it in the portal. */
  aide?: { id: string };
  revokedBy?: 'citizen';
  revokedAreas: string[];
  remainingAreas: string[];
  revokedAt: string;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('base64url');

/**
 * The citizen as the seal covers them: a digest of the FranceConnect identity (the subject
 * included, so the digest cannot be guessed from a name and a birth date).
 */
export function citizenIdentityDigest(citizen: Citizen): string {
  return sha256(
    canonicalPayload({
      sub: citizen.franceConnectSub,
      given_name: citizen.givenName,
      family_name: citizen.familyName,
      birthdate: citizen.birthdate,
      gender: citizen.gender,
      birthplace: citizen.birthplace,
      birthcountry: citizen.birthcountry,
    }),
  );
}

export const sealDigest = (seal: string) => sha256(seal);
