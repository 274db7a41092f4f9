import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';
import { DomainException } from '@relais/exceptions';
import { ProcedureArea } from '@relais/structures';

import { consentLanguage } from './consent-languages.js';
import { consentTextTermsByParagraph } from './consent-text.js';
import { parseConsentTranslation, renderConsentTranslation } from './consent-translation.js';
import { MandateDuration } from './enums/mandate-duration.enum.js';

const seed = (lang: string) =>
  JSON.parse(
    readFileSync(join(projectRoot(), `database/seeds/consent-translations/2026-12-v2.${lang}.json`), 'utf8'),
  ) as { paragraphs: string[]; [key: string]: unknown };

/** The French message of the refusal, for a translation that must be refused. */
function refusal(version: string, lang: string, input: unknown): string {
  try {
    parseConsentTranslation(version, lang, input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainException);
    return (error as DomainException).userMessage;
  }
  throw new Error('the translation was accepted');
}

describe('translations of the consent text', () => {
  it('finds which terms each French paragraph names', () => {
    expect(consentTextTermsByParagraph('2026-12-v2')).toEqual([
      ['citizenName'],
      ['structureName'],
      ['structureName', 'aideName'],
      ['areas'],
      ['duration', 'startsAt', 'expiresAt'],
      [],
      [],
      ['structureName'],
      [],
    ]);
    expect(consentTextTermsByParagraph('2026-11-v1')[4]).toEqual(['duration', 'expiresAt']);
  });

  it('accepts the demo translations and fills them with the facts, dates in the language', () => {
    const terms = {
      citizenName: 'Aminata Diallo',
      structureName: 'France Services Paris 20e',
      aideName: 'Karim Benali',
      areas: [ProcedureArea.Papers, ProcedureArea.Money],
      duration: MandateDuration.SixMonths,
      startsAt: new Date('2026-12-03T10:00:00Z'),
      expiresAt: new Date('2027-06-03T10:00:00Z'),
    };
    const english = renderConsentTranslation(
      parseConsentTranslation('2026-12-v2', 'en', seed('en')),
      terms,
      consentLanguage('en')!,
    );
    expect(english.paragraphs[3]).toBe('The procedures: Identity papers and citizenship, Money (taxes, banks).');
    expect(english.paragraphs[4]).toBe('My consent starts on 3 December 2026. It lasts 6 months, until 3 June 2027.');
    const arabic = renderConsentTranslation(
      parseConsentTranslation('2026-12-v2', 'ar', seed('ar')),
      terms,
      consentLanguage('ar')!,
    );
    expect(arabic.paragraphs[0]).toBe('أنا Aminata Diallo.');
    expect(arabic.paragraphs[3]).toBe('الإجراءات: الوثائق والمواطنة، المال (الضرائب، البنوك).');
    expect(arabic.paragraphs[4]).toContain('يونيو 2027');
  });

  it('refuses a language the attestation cannot print, or unknown', () => {
    expect(refusal('2026-12-v2', 'ru', seed('en'))).toContain('la langue « ru » n’est pas prise en charge');
    expect(refusal('2026-12-v2', 'xx', seed('en'))).toContain('n’est pas prise en charge');
  });

  it('refuses a file that does not match the French text, saying where', () => {
    const english = seed('en');
    expect(refusal('2026-12-v2', 'en', { ...english, paragraphs: english.paragraphs.slice(1) })).toContain(
      'le texte français 2026-12-v2 a 9 paragraphes, la traduction en a 8',
    );
    const noDate = english.paragraphs.map((text, index) => (index === 4 ? 'It lasts {duration}.' : text));
    expect(refusal('2026-12-v2', 'en', { ...english, paragraphs: noDate })).toContain(
      'le paragraphe 5 doit nommer les mêmes éléments que le texte français : {duration}, {startsAt}, {expiresAt}',
    );
    const typo = english.paragraphs.map((text, index) => (index === 0 ? 'I am {citizen}.' : text));
    expect(refusal('2026-12-v2', 'en', { ...english, paragraphs: typo })).toContain('{citizen}, qui n’existe pas');
    expect(refusal('2026-12-v2', 'en', { ...english, areas: { papers: 'Papers' } })).toContain('« areas.family »');
    expect(refusal('2026-12-v2', 'en', [])).toContain('« (fichier) »');
    expect(refusal('2026-12-v2', 'en', { ...english, extra: 1 })).toContain('(fichier)');
  });

  it('refuses letters the attestation would fold or replace', () => {
    const english = seed('en');
    const cyrillic = english.paragraphs.map((text, index) => (index === 5 ? 'Я могу остановить.' : text));
    expect(refusal('2026-12-v2', 'en', { ...english, paragraphs: cyrillic })).toContain(
      'l’attestation ne sait pas imprimer ces caractères : Я м о г у с т а н в.',
    );
  });
});
