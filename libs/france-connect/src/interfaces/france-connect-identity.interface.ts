/** A citizen as FranceConnect vouches for them (identité pivot), checked and in Relais's words. */
export interface FranceConnectIdentity {
  /** FranceConnect's subject for this citizen and this service. */
  sub: string;
  /** First names, space-separated. */
  givenName: string;
  /** Birth name. */
  familyName: string;
  /** YYYY-MM-DD; YYYY-MM-00 or YYYY-00-00 when the day or month is unknown. */
  birthdate: string;
  gender: 'male' | 'female';
  /** INSEE code of the town of birth; null when born abroad. */
  birthplace: string | null;
  /** INSEE code of the country of birth (99100 = France). */
  birthcountry: string | null;
  /** Usage name (nom d'usage), when the citizen has one. */
  preferredUsername: string | null;
  email: string | null;
  /** Level of assurance of the login, e.g. eidas1. */
  acr: string;
  authTime: Date | null;
  /** base64url SHA-256 of the raw ID token: evidence of the login without keeping the token. */
  idTokenDigest: string;
}
