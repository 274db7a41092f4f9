import type { FranceConnectIdentity } from '@relais/france-connect';

/** A FranceConnect identity as `MandateRequests.identify` receives it, for tests that skip the sandbox. */
export function franceConnectIdentity(
  overrides: Partial<FranceConnectIdentity> & { sub: string },
): FranceConnectIdentity {
  return {
    givenName: 'Camille',
    familyName: 'Durand',
    birthdate: '1970-01-01',
    gender: 'female',
    birthplace: null,
    birthcountry: '99100',
    preferredUsername: null,
    email: null,
    acr: 'eidas1',
    authTime: new Date(),
    idTokenDigest: 'digest',
    ...overrides,
  };
}
