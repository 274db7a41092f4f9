import { createHmac } from 'node:crypto';

import type { DelegatedAccount } from '../services/delegated-accounts.service.js';

/**
 * Claims by scope. `openid` always carries who acts and under what (act, mandate_id,
 * procedure_area); the citizen's identity uses FranceConnect's claim names.
 */
export const DELEGATION_CLAIMS = {
  openid: ['sub', 'acr', 'amr', 'act', 'mandate_id', 'procedure_area'],
  profile: ['given_name', 'family_name', 'preferred_username', 'gender', 'birthdate'],
  birth: ['birthplace', 'birthcountry'],
  email: ['email'],
  procedure_area: ['procedure_area', 'mandate_id', 'act'],
};

/** The citizen's subject at one public service: stable for it, unlinkable across services. */
export function pairwiseSubject(pairwiseKey: Buffer, clientId: string, citizenId: string): string {
  return createHmac('sha256', pairwiseKey).update(`${clientId}\n${citizenId}`).digest('base64url');
}

/** Every claim of a delegated account; oidc-provider keeps those the scopes and `claims` ask for. */
export function delegationClaims(account: DelegatedAccount, sub: string, { discloseAct = true } = {}) {
  const { citizen, aide, structure, delegation } = account;
  return {
    sub,
    given_name: citizen.givenName,
    family_name: citizen.familyName,
    preferred_username: citizen.preferredUsername ?? undefined,
    gender: citizen.gender,
    birthdate: citizen.birthdate,
    birthplace: citizen.birthplace ?? '',
    birthcountry: citizen.birthcountry ?? undefined,
    email: citizen.email ?? undefined,
    // RFC 8693 "act": the party actually acting, here the aide, for the structure (unless the
    // public service's setting keeps it off).
    act: discloseAct
      ? {
          sub: aide.id,
          given_name: aide.givenName ?? undefined,
          family_name: aide.familyName ?? undefined,
          siret: structure.siret,
          structure_name: structure.name,
        }
      : undefined,
    mandate_id: delegation.mandateId,
    procedure_area: delegation.area,
  };
}
