import { createHash } from 'node:crypto';

import type { Aide } from '@relais/aides';
import { canonicalPayload } from '@relais/signing';
import { PROCEDURE_AREA_LABELS, type ProcedureArea, type Structure } from '@relais/structures';

import { consentLanguage } from './consent-languages.js';
import { consentText, type ConsentText } from './consent-text.js';
import { renderConsentTranslation, type ShownTranslation } from './consent-translation.js';
import type { Citizen } from './entities/citizen.entity.js';
import type { ConsentTranslation } from './entities/consent-translation.entity.js';
import type { Mandate } from './entities/mandate.entity.js';
import { MANDATE_DURATION_LABELS, mandateEnd, type MandateDuration } from './enums/mandate-duration.enum.js';

/**
 * What the citizen was shown and agreed to, built once: the consent page and the attestation PDF
 * are both rendered from it, it is kept with the mandate, and the seal covers its digest.
 */
export interface ConsentFacts {
  /** Who acts: the structure, and the aide as Relais displays them. */
  structure: { name: string; siret: string; address: string };
  aide: { name: string };
  /** For whom: the name as displayed, the birth date as FranceConnect gave it. */
  citizen: { name: string; birthdate: string };
  areas: { code: ProcedureArea; label: string }[];
  duration: { code: MandateDuration; label: string };
  /** ISO 8601 instants: from when to when. */
  startsAt: string;
  expiresAt: string;
  /** The consent text version and its exact words. */
  text: ConsentText;
  /**
   * The translation shown beside the French text, when the citizen chose a language (absent
   * otherwise, and from facts kept before translations existed).
   */
  translation?: ShownTranslation;
}

/** An aide as people read them: their names, or their email address when they gave none. */
export function aideDisplayName(aide: Pick<Aide, 'givenName' | 'familyName' | 'email'>): string {
  return [aide.givenName, aide.familyName].filter((name) => name?.trim()).join(' ') || aide.email;
}

/** A citizen as people read them: given names, then birth name. */
export function citizenDisplayName(citizen: Pick<Citizen, 'givenName' | 'familyName'>): string {
  return `${citizen.givenName} ${citizen.familyName}`;
}

/** The facts of consenting to `mandate` at `startsAt`, on consent text `version`, with a translation of it shown. */
export function consentFacts(
  parties: { mandate: Mandate; structure: Structure; aide: Aide; citizen: Citizen },
  startsAt: Date,
  version: string,
  translation?: ConsentTranslation | null,
): ConsentFacts {
  const { mandate, structure, aide, citizen } = parties;
  const expiresAt = mandateEnd(startsAt, mandate.duration);
  const who = {
    structure: { name: structure.name, siret: structure.siret, address: structure.address },
    aide: { name: aideDisplayName(aide) },
    citizen: { name: citizenDisplayName(citizen), birthdate: citizen.birthdate },
    areas: mandate.areas.map((code) => ({ code, label: PROCEDURE_AREA_LABELS[code] })),
    duration: { code: mandate.duration, label: MANDATE_DURATION_LABELS[mandate.duration] },
  };
  const text = consentText(
    {
      citizenName: who.citizen.name,
      structureName: who.structure.name,
      aideName: who.aide.name,
      areaLabels: who.areas.map((area) => area.label),
      durationLabel: who.duration.label,
      startsAt,
      expiresAt,
    },
    version,
  );
  const facts: ConsentFacts = { ...who, startsAt: startsAt.toISOString(), expiresAt: expiresAt.toISOString(), text };
  if (translation) {
    if (translation.textVersion !== version) throw new Error('a translation of another consent text version');
    const language = consentLanguage(translation.lang)!;
    const shown = renderConsentTranslation(
      translation.template,
      {
        citizenName: who.citizen.name,
        structureName: who.structure.name,
        aideName: who.aide.name,
        areas: mandate.areas,
        duration: mandate.duration,
        startsAt,
        expiresAt,
      },
      language,
    );
    facts.translation = {
      lang: language.code,
      dir: language.dir,
      revision: translation.revision,
      reviewed: translation.reviewed,
      templateDigest: translation.digest,
      ...shown,
    };
  }
  return facts;
}

/** SHA-256 (base64url) of the facts' canonical JSON (RFC 8785): what a version 2 seal covers. */
export function consentFactsDigest(facts: ConsentFacts): string {
  return createHash('sha256').update(canonicalPayload(facts)).digest('base64url');
}
