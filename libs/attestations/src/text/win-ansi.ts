import { isArabicScript } from '../fonts/script-fonts.js';

/** Characters above U+00FF that the WinAnsi encoding of the standard PDF fonts (Helvetica, Courier) holds. */
const WIN_ANSI_EXTRAS = new Set(
  [
    0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a,
    0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
  ].map((code) => String.fromCodePoint(code)),
);

/** Look-alikes for what WinAnsi lacks; the narrow spaces come from `toLocaleString('fr-FR')`. */
const REPLACEMENTS: Record<string, string> = {
  '\u202f': '\u00a0', // narrow no-break space
  '\u2007': '\u00a0', // figure space
  '\u2060': '', // word joiner
  '\u200b': '', // zero width space
  '\u00ad': '', // soft hyphen: WinAnsi would print it as a visible hyphen
  '\ufeff': '',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2032': '’',
  '\u2033': '"',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
  ŀ: 'l',
  Ŀ: 'L',
};

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char);
}

function toWinAnsiChar(char: string): string {
  if (char in REPLACEMENTS) return REPLACEMENTS[char];
  if (char === '\n' || isWinAnsi(char)) return char;
  if (/[\p{Zs}\p{Cc}]/u.test(char)) return ' ';
  // Drop accents from the last until WinAnsi holds the rest: "ễ" → "ê", "Ş" → "S", "ǅ" → "Dz".
  let form = char.normalize('NFKD');
  for (;;) {
    const composed = form.normalize('NFC');
    if ([...composed].every(isWinAnsi)) return composed;
    if (!/\p{M}$/u.test(form)) return '?';
    form = form.slice(0, -1);
  }
}

/**
 * The text as the standard PDF fonts can draw it: every character is kept when WinAnsi holds it
 * (French accents, « », ’, œ, €), replaced by its nearest look-alike otherwise, never sent as a
 * code the font lacks (which pdfkit would print as garbage).
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC').replace(/\r\n?/g, '\n')) out += toWinAnsiChar(char);
  return out;
}

/** One line of text (a name, an address): line breaks and runs of spaces become one space. */
export function singleLine(text: string): string {
  return toWinAnsi(text)
    .replace(/[ \n]+/g, ' ')
    .trim();
}

/**
 * The characters of `text` an attestation cannot print as they are: neither drawn by the standard
 * fonts (WinAnsi) nor by the embedded Arabic font. A translation is checked with it before it is
 * accepted, so a citizen never signs a page with letters folded or replaced by `?`.
 */
export function unprintableCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text.normalize('NFC')) {
    if (char === '\n' || isArabicScript(char)) continue;
    if (toWinAnsiChar(char) !== char) found.add(char);
  }
  return [...found];
}
