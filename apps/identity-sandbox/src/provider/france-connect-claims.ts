/**
 * Scopes → claims, as FranceConnect publishes them: the grouped scopes (profile, birth,
 * identite_pivot) plus one scope per claim. `null` entries are claims without a scope of their own.
 */
export const FRANCE_CONNECT_CLAIMS = {
  acr: null,
  auth_time: null,
  iss: null,
  sid: null,
  openid: ['sub'],
  profile: ['given_name', 'family_name', 'birthdate', 'gender', 'preferred_username'],
  birth: ['birthplace', 'birthcountry'],
  identite_pivot: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'],
  given_name: ['given_name'],
  family_name: ['family_name'],
  birthdate: ['birthdate'],
  gender: ['gender'],
  birthplace: ['birthplace'],
  birthcountry: ['birthcountry'],
  email: ['email'],
  preferred_username: ['preferred_username'],
} satisfies Record<string, string[] | null>;

/** FranceConnect's only level of assurance (eIDAS "low"). */
export const EIDAS1 = 'eidas1';
