import { createHash } from 'node:crypto';

/** What the consent text names; filled in from the mandate being consented. */
export interface ConsentFacts {
  citizenName: string;
  structureName: string;
  aideName: string;
  areaLabels: string[];
  durationLabel: string;
  expiresAt: Date;
}

export interface ConsentText {
  version: string;
  paragraphs: string[];
}

/** "24 mai 2027", in Paris time. */
function frenchDate(date: Date): string {
  return date.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
}

/**
 * Every consent text ever shown, by version. A published version is never edited: a change is a
 * new version, so an old attestation still prints the words its citizen agreed to. Written to be
 * "facile à lire et à comprendre": short sentences, one idea each, the citizen says « je ».
 */
const CONSENT_TEXTS: Record<string, (facts: ConsentFacts) => string[]> = {
  '2026-11-v1': (facts) => [
    `Je suis ${facts.citizenName}.`,
    `Je donne mon accord à ${facts.structureName} pour faire des démarches en ligne à ma place.`,
    `La personne qui m’aide aujourd’hui est ${facts.aideName}. D’autres aidants formés de ${facts.structureName} peuvent aussi m’aider.`,
    `Les démarches : ${facts.areaLabels.join(', ')}.`,
    `Mon accord dure ${facts.durationLabel}, jusqu’au ${frenchDate(facts.expiresAt)}.`,
    `Je peux arrêter mon accord quand je veux. Il suffit de le demander à ${facts.structureName}.`,
    'Mes informations servent seulement à ces démarches. Elles ne sont données à personne d’autre.',
  ],
};

export const CURRENT_CONSENT_TEXT_VERSION = '2026-11-v1';

/** The text of `version` for these facts; throws for a version that never existed. */
export function consentText(facts: ConsentFacts, version = CURRENT_CONSENT_TEXT_VERSION): ConsentText {
  const render = CONSENT_TEXTS[version];
  if (!render) throw new Error(`unknown consent text version ${version}`);
  return { version, paragraphs: render(facts) };
}

/** SHA-256 (base64url) of the paragraphs, as evidence of the exact words shown. */
export function consentTextDigest(text: ConsentText): string {
  return createHash('sha256').update(JSON.stringify(text.paragraphs)).digest('base64url');
}
