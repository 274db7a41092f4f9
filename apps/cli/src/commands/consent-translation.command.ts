import { readFile } from 'node:fs/promises';

import { DomainException, ErrorCode } from '@relais/exceptions';
import { ConsentTranslations } from '@relais/mandates';

import type { CommandRegistration } from '../cli-context.js';
import { textTable } from '../text-table.js';

/** The translation file as JSON, or `consent_translation_invalid` saying it cannot be read. */
export async function readTranslationFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DomainException(ErrorCode.ConsentTranslationInvalid, {
      params: { reason: `le fichier « ${file} » ne peut pas être ouvert.` },
      cause,
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DomainException(ErrorCode.ConsentTranslationInvalid, {
      params: { reason: 'le fichier n’est pas du JSON valide.' },
      cause,
    });
  }
}

export const consentTranslationCommands: CommandRegistration = (program, context) => {
  program
    .command('consent:translation:add')
    .description(
      'Add a translation of a consent text version (JSON: notice, paragraphs with {slots}, areas, durations); a new revision each time',
    )
    .argument('<version>', 'consent text version, e.g. 2026-12-v2')
    .argument('<lang>', 'language code: en, es, pt, it, de, ar, fa')
    .argument('<file>', 'translation file (JSON), see libs/mandates/README.md')
    .option('--reviewed', 'a sworn translator reviewed it (otherwise the page and the attestation say it was not)')
    .action(async (version: string, lang: string, file: string, options: { reviewed?: boolean }) => {
      const input = await readTranslationFile(file);
      const { translation, added } = await (
        await context.get()
      )
        .get(ConsentTranslations)
        .add(version, lang, input, { reviewed: options.reviewed === true });
      const state = translation.reviewed
        ? 'relue par un traducteur assermenté'
        : 'à faire relire par un traducteur assermenté';
      console.log(
        added
          ? `Traduction ${lang} du texte ${version} ajoutée : révision ${translation.revision} (${state}), empreinte ${translation.digest}.`
          : `Rien à ajouter : la révision ${translation.revision} de la traduction ${lang} du texte ${version} a déjà ces mots.`,
      );
    });

  program
    .command('consent:translation:list')
    .description('Every translation of the consent texts: version, language, revision, reviewed, digest, date')
    .action(async () => {
      const rows = await (await context.get()).get(ConsentTranslations).list();
      console.log(
        textTable(
          ['version', 'lang', 'revision', 'reviewed', 'digest', 'added'],
          rows.map((row) => [
            row.textVersion,
            row.lang,
            String(row.revision),
            row.reviewed ? 'yes' : 'no',
            row.digest,
            row.createdAt.toISOString(),
          ]),
        ),
      );
    });
};
