import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Fonts embedded for a script the standard PDF fonts cannot draw. Noto Sans Arabic (SIL Open Font
 * License 1.1, package `@fontsource/noto-sans-arabic`, its "arabic" subset: Arabic, Persian and
 * Urdu letters, Arabic-Indic digits, Arabic punctuation) is shaped by fontkit through pdfkit
 * (joining forms, ligatures, marks) and embedded as a subset. Latin letters, digits and
 * punctuation in the same line stay in Helvetica.
 */
const require = createRequire(import.meta.url);

export const ARABIC_FONT = { regular: 'NotoSansArabic', bold: 'NotoSansArabic-Bold' } as const;

let files: { regular: Buffer; bold: Buffer } | undefined;

/** The Arabic font files (WOFF), read once. */
export function arabicFontFiles(): { regular: Buffer; bold: Buffer } {
  const load = (weight: number) =>
    readFileSync(require.resolve(`@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-${weight}-normal.woff`));
  files ??= { regular: load(400), bold: load(700) };
  return files;
}

/**
 * Characters used by the Arabic script (letters, marks, Arabic-Indic digits, the Arabic comma and
 * question mark, which Unicode shares with other scripts), and the joiners.
 */
const ARABIC = /[\p{Script_Extensions=Arabic}\u200c\u200d]/u;

/** Whether `char` is drawn with the Arabic font rather than Helvetica. */
export const isArabicScript = (char: string): boolean => ARABIC.test(char);
