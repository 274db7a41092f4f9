/** The key of the PDF information dictionary that holds the attestation's seal. */
export const SEAL_INFO_KEY = 'RelaisSeal';

/** header.payload.signature, each part base64url: the only characters a seal may hold. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * `/RelaisSeal (literal)` or `/RelaisSeal 12 0 R`. pdfkit writes the information dictionary
 * uncompressed and each of its values as an indirect object holding an ASCII literal, so the raw
 * bytes are enough to find the seal, with no PDF parser.
 */
const SEAL_ENTRY = /\/RelaisSeal(?![^\s()<>[\]{}/%])\s*(?:\(([^()\\]*)\)|(\d+)\s+(\d+)\s+R\b)/g;

export function isCompactJws(value: string): boolean {
  return COMPACT_JWS.test(value);
}

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  for (const match of text.matchAll(pattern)) last = match;
  return last;
}

/** The literal string of indirect object `id gen`; the last definition wins, as in an incremental update. */
function indirectLiteral(text: string, id: string, generation: string): string | null {
  const definition = new RegExp(`(?:^|[^0-9])${id}\\s+${generation}\\s+obj\\s*\\(([^()\\\\]*)\\)\\s*endobj`, 'g');
  return lastMatch(definition, text)?.[1] ?? null;
}

/**
 * The JWS embedded under `RelaisSeal` in an attestation's information dictionary, or null when the
 * bytes are not a PDF, carry no seal, or carry something that is not a compact JWS. Reading is
 * not verifying: check the seal's signature and compare its payload before trusting it.
 */
export function readEmbeddedSeal(pdf: Uint8Array): string | null {
  if (!(pdf instanceof Uint8Array)) return null;
  // latin1 maps each byte to one character, so binary streams cannot break the search.
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  if (!text.slice(0, 1024).includes('%PDF-')) return null;
  const entry = lastMatch(SEAL_ENTRY, text);
  if (!entry) return null;
  const seal = entry[1] ?? indirectLiteral(text, entry[2], entry[3]);
  return seal !== null && isCompactJws(seal) ? seal : null;
}
