import fc from 'fast-check';

/**
 * What a hostile client types into a field: injection strings, path traversal, unicode edge
 * cases, control characters, oversized text — alone or glued to ordinary text.
 */
export const INJECTIONS = [
  // SQL
  "' OR '1'='1",
  "'; DROP TABLE aides; --",
  '1; SELECT pg_sleep(5)--',
  "\\'; COPY aides TO '/tmp/x'; --",
  '" OR ""="',
  // Templates (nunjucks, JS template literals, Jinja)
  '{{ 7*7 }}',
  '${7*7}',
  '{% raw %}',
  '{{ range.constructor("return process")() }}',
  '#{7*7}',
  // Markup
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'-alert(1)-'",
  '<svg/onload=alert(1)>',
  'javascript:alert(1)',
  // Path traversal, raw and encoded
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%252f..%252fetc%252fpasswd',
  '/etc/passwd\u0000.png',
  // Header and log injection
  'x\r\nSet-Cookie: owned=1',
  'line\nINFO forged log line',
  // Prototype pollution keys used as values
  '__proto__',
  'constructor',
] as const;

export const UNICODE_EDGES = [
  '\u0000',
  'a\u0000b',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'x\ud83dy', // half an emoji
  '\u202eRTL\u202c', // right-to-left override
  '\u200f\u200e', // RTL / LTR marks
  '\u200b\u2060\ufeff', // zero-width space, word joiner, BOM
  'e\u0301\u0301\u0301\u0301\u0301', // combining characters (zalgo)
  '👩🏽‍💻🇫🇷',
  '\uFFFD\uFFFE\uFFFF',
  '\u0085\u2028\u2029', // NEL, line and paragraph separators
  '\u001b[31mrouge\u001b[0m', // ANSI escapes
  'Ａｄｍｉｎ', // full-width
  '\u00c0\u0080', // an overlong UTF-8 sequence as read in Latin-1
  '\u{10FFFF}',
] as const;

/** Short ordinary text to glue hostile parts to. */
const ordinary = fc.constantFrom('', 'Martin', 'nom@example.fr', '75020', '2026-12-01', 'papers', 'oui', '123456');

const oversized = fc.constantFrom(10_000, 101_000, 300_000).map((length) => 'A'.repeat(length));

/** One hostile text value. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(ordinary, fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES), ordinary)
      .map(([before, attack, after]) => `${before}${attack}${after}`),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 400 }) },
  { weight: 1, arbitrary: oversized },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t\n', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}') },
);

/** A JSON value of the wrong type for a text field (JSON bodies only). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', '$gt', '__proto__', 'constructor'), hostileString, { maxKeys: 2 }),
  fc.array(fc.array(fc.integer(), { maxLength: 2 }), { maxLength: 2 }),
);

/** Field names that are not in any DTO. */
export const extraFieldName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('admin', 'isAdmin', 'operator', 'role', 'id', 'structureId', 'constructor', '__proto__x'),
  fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES),
  fc.string({ minLength: 1, maxLength: 12 }).map((name) => `x${name}`),
);

/** How a case is sent: as a browser form, or as JSON (which can carry numbers, objects, null). */
export type Encoding = 'form' | 'json';

export interface HostileCase {
  /** hostile text in known fields, an unknown field, a wrong JSON type, or a required field left out. */
  kind: 'text' | 'extra' | 'wrongType' | 'missing';
  encoding: Encoding;
  fields: Record<string, unknown>;
  /** Whether the case is certainly refused by the DTO (wrong type, unknown field, missing required field). */
  surelyInvalid: boolean;
}

/**
 * Cases for a DTO, starting from a valid input: change some fields to hostile text (may still be
 * valid: then Relais may accept it, and must store and show it safely), or break its shape (a
 * missing required field, an unknown field, a wrong JSON type: always refused).
 */
export function hostileCases(
  valid: Record<string, string | string[]>,
  { required = Object.keys(valid), jsonOnly = false }: { required?: string[]; jsonOnly?: boolean } = {},
): fc.Arbitrary<HostileCase> {
  const names = Object.keys(valid);
  const encoding = jsonOnly ? fc.constant<Encoding>('json') : fc.constantFrom<Encoding>('form', 'json');
  const someNames = names.length > 0 ? fc.subarray(names, { minLength: 1 }) : fc.constant<string[]>([]);
  const textValue = fc.oneof(
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
  );
  const textual = fc
    .tuple(encoding, someNames, fc.array(textValue, { minLength: names.length, maxLength: names.length }))
    .map(([enc, chosen, values]) => ({
      kind: 'text' as const,
      encoding: enc,
      fields: { ...valid, ...Object.fromEntries(chosen.map((name) => [name, values[names.indexOf(name)]])) },
      surelyInvalid: false,
    }));
  const extra = fc
    .tuple(encoding, fc.dictionary(extraFieldName, hostileString, { minKeys: 1, maxKeys: 3 }))
    .filter(([, added]) => Object.keys(added).some((name) => !names.includes(name) && name !== '_csrf'))
    .map(([enc, added]) => ({
      kind: 'extra' as const,
      encoding: enc,
      fields: { ...valid, ...added },
      surelyInvalid: true,
    }));
  const cases: fc.Arbitrary<HostileCase>[] = [textual, extra];
  if (names.length > 0) {
    cases.push(
      fc.tuple(fc.constantFrom(...names), wrongType).map(([name, value]) => ({
        kind: 'wrongType' as const,
        encoding: 'json' as const,
        fields: { ...valid, [name]: value },
        // A JSON number where a number is expected (e.g. ?page) can be valid, null is "absent": only objects surely are not.
        surelyInvalid: value !== null && typeof value === 'object' && !Array.isArray(value),
      })),
    );
  }
  if (required.length > 0) {
    cases.push(
      fc.tuple(encoding, fc.subarray(required, { minLength: 1 })).map(([enc, dropped]) => ({
        kind: 'missing' as const,
        encoding: enc,
        fields: Object.fromEntries(Object.entries(valid).filter(([name]) => !dropped.includes(name))),
        surelyInvalid: true,
      })),
    );
  }
  return fc.oneof(...cases);
}
