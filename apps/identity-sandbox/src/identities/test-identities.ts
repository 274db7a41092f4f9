import { createHash } from 'node:crypto';

/** The identity claims exactly as FranceConnect names them (userinfo). */
export interface FranceConnectClaims {
  sub: string;
  /** First names, space-separated. */
  given_name: string;
  /** Birth name. */
  family_name: string;
  /** YYYY-MM-DD; YYYY-MM-00 or YYYY-00-00 when the day or month is unknown. */
  birthdate: string;
  gender: 'male' | 'female';
  /** INSEE code of the town of birth; empty when born abroad. */
  birthplace: string;
  /** INSEE code of the country of birth (99100 = France). */
  birthcountry: string;
  email: string;
  /** Usage name (nom d'usage), when the person has one. */
  preferred_username?: string;
}

/** A fictitious citizen offered on the login page, with what the page shows about them. */
export interface TestIdentity {
  /** Stable key posted by the login form. */
  key: string;
  claims: FranceConnectClaims;
  birthplaceLabel: string;
  birthcountryLabel: string;
  /** What makes this identity useful to test. */
  highlights: string[];
}

/** Stable across restarts and machines, FranceConnect-like (64 hex characters and a version). */
function stableSub(key: string): string {
  return `${createHash('sha256').update(`relais-identity-sandbox:${key}`).digest('hex')}v1`;
}

function identity(key: string, claims: Omit<FranceConnectClaims, 'sub'>, rest: Omit<TestIdentity, 'key' | 'claims'>) {
  return { key, claims: { sub: stableSub(key), ...claims }, ...rest } satisfies TestIdentity;
}

export const TEST_IDENTITIES: readonly TestIdentity[] = Object.freeze([
  identity(
    'marie-therese',
    {
      given_name: 'Marie-Thérèse Hélène',
      family_name: 'Lefèvre-Ndiaye',
      birthdate: '1948-03-17',
      gender: 'female',
      birthplace: '75112',
      birthcountry: '99100',
      email: 'marie-therese.lefevre-ndiaye@example.fr',
    },
    {
      birthplaceLabel: 'Paris 12e Arrondissement',
      birthcountryLabel: 'France',
      highlights: ['Prénom et nom composés, accents'],
    },
  ),
  identity(
    'youssef',
    {
      given_name: 'Youssef Karim',
      family_name: 'El Amrani',
      birthdate: '1979-11-02',
      gender: 'male',
      birthplace: '',
      birthcountry: '99350',
      email: 'youssef.el-amrani@example.fr',
    },
    { birthplaceLabel: '', birthcountryLabel: 'Maroc', highlights: ['Né à l’étranger'] },
  ),
  identity(
    'jeanne',
    {
      given_name: 'Jeanne Louise',
      family_name: 'Martin',
      preferred_username: 'Dupont',
      birthdate: '1956-06-21',
      gender: 'female',
      birthplace: '69123',
      birthcountry: '99100',
      email: 'jeanne.dupont@example.fr',
    },
    { birthplaceLabel: 'Lyon', birthcountryLabel: 'France', highlights: ['Nom d’usage (Dupont)'] },
  ),
  identity(
    'jean-pierre',
    {
      given_name: 'Jean-Pierre Marcel André',
      family_name: 'Durand',
      birthdate: '1990-01-30',
      gender: 'male',
      birthplace: '59350',
      birthcountry: '99100',
      email: 'jean-pierre.durand@example.fr',
    },
    { birthplaceLabel: 'Lille', birthcountryLabel: 'France', highlights: ['Trois prénoms'] },
  ),
  identity(
    'eloise',
    {
      given_name: 'Éloïse',
      family_name: 'D’Aubigné Saint-Éloi',
      birthdate: '2001-09-08',
      gender: 'female',
      birthplace: '97101',
      birthcountry: '99100',
      email: 'eloise.daubigne@example.fr',
    },
    {
      birthplaceLabel: 'Les Abymes (Guadeloupe)',
      birthcountryLabel: 'France',
      highlights: ['Née outre-mer', 'Apostrophe et espace dans le nom'],
    },
  ),
  identity(
    'aminata',
    {
      given_name: 'Aminata',
      family_name: 'Diallo',
      birthdate: '1985-00-00',
      gender: 'female',
      birthplace: '',
      birthcountry: '99341',
      email: 'aminata.diallo@example.fr',
    },
    {
      birthplaceLabel: '',
      birthcountryLabel: 'Sénégal',
      highlights: ['Née à l’étranger', 'Jour et mois de naissance inconnus'],
    },
  ),
]);

export function findIdentityByKey(key: unknown): TestIdentity | undefined {
  return TEST_IDENTITIES.find((identity) => identity.key === key);
}

export function findIdentityBySub(sub: string): TestIdentity | undefined {
  return TEST_IDENTITIES.find((identity) => identity.claims.sub === sub);
}

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** "17 mars 1948", "en 1985" when FranceConnect sends YYYY-00-00. */
export function birthdateInFrench(birthdate: string): string {
  const [year, month, day] = birthdate.split('-').map(Number);
  if (!month) return `en ${year}`;
  if (!day) return `en ${MONTHS[month - 1]} ${year}`;
  return `le ${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`;
}

/** One line for the pages, e.g. "Née le 17 mars 1948 à Paris 12e Arrondissement (commune 75112)". */
export function birthInFrench({ claims, birthplaceLabel, birthcountryLabel }: TestIdentity): string {
  const born = `${claims.gender === 'female' ? 'Née' : 'Né'} ${birthdateInFrench(claims.birthdate)}`;
  if (claims.birthplace) return `${born} à ${birthplaceLabel} (commune ${claims.birthplace})`;
  return `${born} à l’étranger : ${birthcountryLabel} (pays ${claims.birthcountry})`;
}
