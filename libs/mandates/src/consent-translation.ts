import { createHash } from 'node:crypto';

import { unprintableCharacters } from '@relais/attestations';
import { dateInLanguage } from '@relais/dates';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { canonicalPayload } from '@relais/signing';
import { PROCEDURE_AREAS, type ProcedureArea } from '@relais/structures';
import { z } from 'zod';

import { consentLanguage, type ConsentLanguage } from './consent-languages.js';
import { CONSENT_TERM_NAMES, consentTextTermsByParagraph, type ConsentTermName } from './consent-text.js';
import { MandateDuration } from './enums/mandate-duration.enum.js';

/**
 * What an operator gives for a translation of one consent text version (a JSON file): the
 * paragraphs with `{citizenName}`-style slots where the French text names a term, the labels of
 * the procedure areas and durations in that language, and a notice saying the French text binds.
 */
export interface ConsentTranslationTemplate {
  notice: string;
  paragraphs: string[];
  areas: Record<ProcedureArea, string>;
  durations: Record<MandateDuration, string>;
}

/** The translation shown to a citizen, as the consent facts keep it and the attestation prints it. */
export interface ShownTranslation {
  lang: string;
  dir: 'ltr' | 'rtl';
  revision: number;
  reviewed: boolean;
  /** SHA-256 of the template this was rendered from (the stored translation). */
  templateDigest: string;
  notice: string;
  paragraphs: string[];
}

const label = z.string().trim().min(1).max(200);
const templateSchema = z
  .object({
    notice: z.string().trim().min(1).max(500),
    paragraphs: z.array(z.string().trim().min(1).max(1000)).min(1).max(40),
    areas: z.object(Object.fromEntries(PROCEDURE_AREAS.map((area) => [area, label]))).strict(),
    durations: z.object(Object.fromEntries(Object.values(MandateDuration).map((code) => [code, label]))).strict(),
  })
  .strict();

const refuse = (reason: string) => new DomainException(ErrorCode.ConsentTranslationInvalid, { params: { reason } });

const SLOT = /\{(\w+)\}/g;

/**
 * Checks a translation of `version` into `lang`: a supported language, the file's shape, one
 * paragraph for each French paragraph naming the same terms, and only letters the attestation
 * prints. Throws `consent_translation_invalid` saying what is wrong.
 */
export function parseConsentTranslation(version: string, lang: string, input: unknown): ConsentTranslationTemplate {
  if (!consentLanguage(lang)) throw refuse(`la langue « ${lang} » n’est pas prise en charge.`);
  const parsed = templateSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse(`le champ « ${issue.path.join('.') || '(fichier)'} » est absent ou incorrect (${issue.message}).`);
  }
  const template = parsed.data as ConsentTranslationTemplate;
  const expected = consentTextTermsByParagraph(version);
  if (template.paragraphs.length !== expected.length) {
    throw refuse(
      `le texte français ${version} a ${expected.length} paragraphes, la traduction en a ${template.paragraphs.length}.`,
    );
  }
  template.paragraphs.forEach((paragraph, index) => {
    const slots = [...paragraph.matchAll(SLOT)].map((match) => match[1]);
    const unknown = slots.find((slot) => !(CONSENT_TERM_NAMES as readonly string[]).includes(slot));
    if (unknown) throw refuse(`le paragraphe ${index + 1} contient {${unknown}}, qui n’existe pas.`);
    const missing = expected[index].filter((name) => !slots.includes(name));
    const extra = slots.filter((slot) => !expected[index].includes(slot as ConsentTermName));
    if (missing.length > 0 || extra.length > 0) {
      const wanted = expected[index].map((name) => `{${name}}`).join(', ') || 'aucun';
      throw refuse(`le paragraphe ${index + 1} doit nommer les mêmes éléments que le texte français : ${wanted}.`);
    }
  });
  const strings = [
    template.notice,
    ...template.paragraphs,
    ...Object.values(template.areas),
    ...Object.values(template.durations),
  ];
  const unprintable = [...new Set(strings.flatMap(unprintableCharacters))];
  if (unprintable.length > 0) {
    throw refuse(`l’attestation ne sait pas imprimer ces caractères : ${unprintable.slice(0, 10).join(' ')}.`);
  }
  return template;
}

/** SHA-256 (base64url) of a template's canonical JSON: what the stored translation is known by. */
export function consentTranslationDigest(template: ConsentTranslationTemplate): string {
  return createHash('sha256').update(canonicalPayload(template)).digest('base64url');
}

/** SHA-256 (base64url) of what the citizen was shown: the notice and the paragraphs. */
export function shownTranslationDigest(shown: Pick<ShownTranslation, 'notice' | 'paragraphs'>): string {
  return createHash('sha256')
    .update(JSON.stringify([shown.notice, ...shown.paragraphs]))
    .digest('base64url');
}

/** What the slots are filled with: the same facts as the French text. */
export interface TranslationTerms {
  citizenName: string;
  structureName: string;
  aideName: string;
  areas: ProcedureArea[];
  duration: MandateDuration;
  startsAt: Date;
  expiresAt: Date;
}

/** The translation's words for these terms: names as they are, areas and durations in the language, dates in it. */
export function renderConsentTranslation(
  template: ConsentTranslationTemplate,
  terms: TranslationTerms,
  language: ConsentLanguage,
): Pick<ShownTranslation, 'notice' | 'paragraphs'> {
  const values: Record<ConsentTermName, string> = {
    citizenName: terms.citizenName,
    structureName: terms.structureName,
    aideName: terms.aideName,
    areas: terms.areas.map((area) => template.areas[area]).join(language.dir === 'rtl' ? '، ' : ', '),
    duration: template.durations[terms.duration],
    startsAt: dateInLanguage(terms.startsAt, language.locale),
    expiresAt: dateInLanguage(terms.expiresAt, language.locale),
  };
  return {
    notice: template.notice,
    paragraphs: template.paragraphs.map((paragraph) =>
      paragraph.replace(SLOT, (_, name: string) => values[name as ConsentTermName]),
    ),
  };
}
