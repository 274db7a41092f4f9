import type { MandateAttestation } from '../src/interfaces/mandate-attestation.interface.js';
import type { RevocationAttestation } from '../src/interfaces/revocation-attestation.interface.js';

const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS shaped like a real mandate seal (ES256 header, canonical terms, 64-byte signature). */
export const SAMPLE_SEAL = [
  b64url({ alg: 'ES256', kid: 'k-2026-11-3f9a1c', typ: 'JOSE' }),
  b64url({
    areas: ['famille', 'logement', 'social-sante', 'argent'],
    citizen: { birthdate: '1984-07-14', digest: 'q3VbH1k2Vn0cM8Yh8kqY3Xb2rWm3sN1dZ4fT9pL6aQE' },
    consent: { acr: 'eidas1', auth_time: 1795536720, sub: 'b6d7c2f3e1a94f0e8c7b6a5d4c3b2a19', text: 'c0nS3ntD1g3st' },
    consentTextVersion: '2026-11-v1',
    expiresAt: '2027-05-24T15:12:00.000Z',
    id: '3f2b8c1e-6a4d-4e9b-8f7a-2c1d0e9b8a76',
    startsAt: '2026-11-24T16:12:00.000Z',
    structure: { id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', siret: '13002526500013' },
  }),
  b64url('s'.repeat(64)),
].join('.');

const parties = {
  structure: {
    name: 'France Services de Vire Normandie',
    siret: '13002526500013',
    address: '12 rue de l’Hôtel-de-Ville, 14500 Vire Normandie',
  },
  aide: { name: 'Karim Benaïssa' },
  citizen: { name: 'Élodie Dupont-Léger', birthdate: '1984-07-14' },
};

export function sampleMandateAttestation(overrides: Partial<MandateAttestation> = {}): MandateAttestation {
  return {
    ...parties,
    mandateId: '3f2b8c1e-6a4d-4e9b-8f7a-2c1d0e9b8a76',
    areas: [
      { code: 'famille', label: 'Famille (allocations, scolarité)' },
      { code: 'logement', label: 'Logement' },
      { code: 'social-sante', label: 'Social et santé' },
      { code: 'argent', label: 'Argent (impôts, banque)' },
    ],
    durationLabel: '6 mois',
    startsAt: new Date('2026-11-24T16:12:00Z'),
    expiresAt: new Date('2027-05-24T15:12:00Z'),
    consentedAt: new Date('2026-11-24T16:12:00Z'),
    consentText: {
      version: '2026-11-v1',
      paragraphs: [
        'Je suis Élodie Dupont-Léger.',
        'Je donne mon accord à France Services de Vire Normandie pour faire des démarches en ligne à ma place.',
        'La personne qui m’aide aujourd’hui est Karim Benaïssa. D’autres aidants formés de France Services de Vire Normandie peuvent aussi m’aider.',
        'Les démarches : Famille (allocations, scolarité), Logement, Social et santé, Argent (impôts, banque).',
        'Mon accord dure 6 mois, jusqu’au 24 mai 2027.',
        'Je peux arrêter mon accord quand je veux. Il suffit de le demander à France Services de Vire Normandie.',
        'Mes informations servent seulement à ces démarches. Elles ne sont données à personne d’autre.',
      ],
    },
    verification: {
      code: 'K7F3-9QX2-MA4T-7RBC',
      url: 'http://localhost:3000/verify/K7F3-9QX2-MA4T-7RBC',
      seal: SAMPLE_SEAL,
    },
    ...overrides,
  };
}

export function sampleRevocationAttestation(overrides: Partial<RevocationAttestation> = {}): RevocationAttestation {
  return {
    ...parties,
    mandateId: '3f2b8c1e-6a4d-4e9b-8f7a-2c1d0e9b8a76',
    revokedAreas: [{ code: 'logement', label: 'Logement' }],
    remainingAreas: [
      { code: 'famille', label: 'Famille (allocations, scolarité)' },
      { code: 'social-sante', label: 'Social et santé' },
      { code: 'argent', label: 'Argent (impôts, banque)' },
    ],
    revokedAt: new Date('2027-01-03T09:05:00Z'),
    mandateCode: 'K7F3-9QX2-MA4T-7RBC',
    verification: {
      code: 'R2D8-WQ4N-7HJC-X3PA',
      url: 'http://localhost:3000/verify/R2D8-WQ4N-7HJC-X3PA',
      seal: SAMPLE_SEAL,
    },
    ...overrides,
  };
}

/** The Arabic translation of the sample's consent text, as the citizen read it (names and digits stay Latin). */
export const SAMPLE_ARABIC_TRANSLATION = {
  lang: 'ar',
  languageName: 'arabe',
  dir: 'rtl' as const,
  revision: 1,
  reviewed: false,
  notice: 'هذه الترجمة للعلم فقط. النص الفرنسي وحده هو الملزم.',
  paragraphs: [
    'أنا Élodie Dupont-Léger.',
    'أوافق على أن تقوم France Services de Vire Normandie بالإجراءات الإدارية عبر الإنترنت نيابةً عني.',
    'الشخص الذي يساعدني اليوم هو Karim Benaïssa. ويمكن أيضًا لمساعدين آخرين مدرَّبين في France Services de Vire Normandie مساعدتي.',
    'الإجراءات: الأسرة، السكن، الشؤون الاجتماعية والصحة، المال (الضرائب، البنوك).',
    'تستمر موافقتي 6 أشهر، حتى 24 مايو 2027.',
    'يمكنني إيقاف موافقتي متى شئت. يكفي أن أطلب ذلك من France Services de Vire Normandie.',
    'تُستخدم معلوماتي لهذه الإجراءات فقط. ولا تُعطى لأي شخص آخر.',
  ],
};
