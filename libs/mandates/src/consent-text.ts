import { createHash } from 'node:crypto';

import { frenchDate, NBSP } from '@relais/dates';

/** What the consent text names: who acts, for whom, which areas, from when to when. */
export interface ConsentTerms {
  citizenName: string;
  structureName: string;
  aideName: string;
  areaLabels: string[];
  durationLabel: string;
  startsAt: Date;
  expiresAt: Date;
}

export interface ConsentText {
  version: string;
  paragraphs: string[];
}

interface ConsentTextVersion {
  version: string;
  /** From this instant on, new consents are given on this version. */
  publishedAt: Date;
  render: (terms: ConsentTerms) => string[];
}

/** Version 1 was published with Intl's "1 juin 2027" (plain spaces, no « 1er »): its words stay so. */
const asPublishedInV1 = (date: Date) => frenchDate(date).replace(NBSP, ' ').replace(/^1er /, '1 ');

/**
 * Every consent text ever shown, oldest first. A published version is never edited: a change is a
 * new version, so an old attestation still prints the words its citizen agreed to. Written to be
 * "facile à lire et à comprendre": short sentences, one idea each, the citizen says « je ».
 */
const CONSENT_TEXT_VERSIONS: ConsentTextVersion[] = [
  {
    version: '2026-11-v1',
    publishedAt: new Date('2026-11-01T00:00:00+01:00'),
    render: (terms) => [
      `Je suis ${terms.citizenName}.`,
      `Je donne mon accord à ${terms.structureName} pour faire des démarches en ligne à ma place.`,
      `La personne qui m’aide aujourd’hui est ${terms.aideName}. D’autres aidants formés de ${terms.structureName} peuvent aussi m’aider.`,
      `Les démarches : ${terms.areaLabels.join(', ')}.`,
      `Mon accord dure ${terms.durationLabel}, jusqu’au ${asPublishedInV1(terms.expiresAt)}.`,
      `Je peux arrêter mon accord quand je veux. Il suffit de le demander à ${terms.structureName}.`,
      'Mes informations servent seulement à ces démarches. Elles ne sont données à personne d’autre.',
    ],
  },
  {
    // Says from when, not only until when; names the citizen portal as a way to stop.
    version: '2026-12-v2',
    publishedAt: new Date('2026-12-01T00:00:00+01:00'),
    render: (terms) => [
      `Je suis ${terms.citizenName}.`,
      `Je donne mon accord à ${terms.structureName} pour faire des démarches en ligne à ma place.`,
      `La personne qui m’aide aujourd’hui est ${terms.aideName}. D’autres aidants formés de ${terms.structureName} peuvent aussi m’aider.`,
      `Les démarches : ${terms.areaLabels.join(', ')}.`,
      `Mon accord commence le ${frenchDate(terms.startsAt)}. Il dure ${terms.durationLabel}, jusqu’au ${frenchDate(terms.expiresAt)}.`,
      'Je peux arrêter mon accord quand je veux.',
      'Je peux le faire moi-même sur internet, dans mon espace Relais, avec FranceConnect.',
      `Je peux aussi le demander à ${terms.structureName}.`,
      'Mes informations servent seulement à ces démarches. Elles ne sont données à personne d’autre.',
    ],
  },
];

/** The version a consent given at `now` is given on: the latest published by then. */
export function consentTextVersionAt(now: Date): string {
  const published = CONSENT_TEXT_VERSIONS.filter((text) => text.publishedAt.getTime() <= now.getTime());
  if (published.length === 0) throw new RangeError('no consent text was published yet');
  return published.at(-1)!.version;
}

/** The text of `version` for these terms; throws for a version that never existed. */
export function consentText(terms: ConsentTerms, version: string): ConsentText {
  const text = CONSENT_TEXT_VERSIONS.find((candidate) => candidate.version === version);
  if (!text) throw new Error(`unknown consent text version ${version}`);
  return { version, paragraphs: text.render(terms) };
}

/** Every version ever published, oldest first. */
export function publishedConsentTextVersions(): string[] {
  return CONSENT_TEXT_VERSIONS.map((text) => text.version);
}

/** What a paragraph of the text may name; a translation names the same things, paragraph by paragraph. */
export const CONSENT_TERM_NAMES = [
  'citizenName',
  'structureName',
  'aideName',
  'areas',
  'duration',
  'startsAt',
  'expiresAt',
] as const;
export type ConsentTermName = (typeof CONSENT_TERM_NAMES)[number];

/**
 * Which terms each paragraph of `version` names, found by rendering it with recognisable terms
 * (private-use markers, dates in years no mandate reaches).
 */
export function consentTextTermsByParagraph(version: string): ConsentTermName[][] {
  const marker = (name: string) => `\ue000${name}\ue001`;
  const text = consentText(
    {
      citizenName: marker('citizenName'),
      structureName: marker('structureName'),
      aideName: marker('aideName'),
      areaLabels: [marker('areas')],
      durationLabel: marker('duration'),
      startsAt: new Date('2091-03-17T12:00:00Z'),
      expiresAt: new Date('2092-09-23T12:00:00Z'),
    },
    version,
  );
  return text.paragraphs.map((paragraph) =>
    CONSENT_TERM_NAMES.filter((name) =>
      name === 'startsAt'
        ? paragraph.includes('2091')
        : name === 'expiresAt'
          ? paragraph.includes('2092')
          : paragraph.includes(marker(name)),
    ),
  );
}

/** SHA-256 (base64url) of the paragraphs, as evidence of the exact words shown. */
export function consentTextDigest(text: ConsentText): string {
  return createHash('sha256').update(JSON.stringify(text.paragraphs)).digest('base64url');
}
