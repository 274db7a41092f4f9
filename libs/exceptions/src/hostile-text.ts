import type { FieldProblem } from './validation-failed.exception.js';

/** Keys that name a prototype member: class-transformer and class-validator's whitelist let them through. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * NUL and the other C0 controls except tab, line feed and carriage return, DEL, and lone UTF-16
 * surrogates: no person types them, PostgreSQL refuses NUL in text, and a lone surrogate cannot
 * be stored as UTF-8 without being changed.
 */
const UNSAFE_CHARACTER =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSAFE_CHARACTER_MESSAGE = 'Ce champ contient un caractère invisible ou non autorisé : retirez-le.';
export const UNEXPECTED_FIELD_MESSAGE = 'Ce champ n’est pas attendu.';

/**
 * What is wrong with the raw input of a route (body, query or a path parameter) before any DTO
 * sees it: a prototype key anywhere, or an unsafe character in a name or a value (by field).
 */
export function hostileTextProblems(value: unknown, field = ''): FieldProblem[] {
  if (typeof value === 'string') {
    return UNSAFE_CHARACTER.test(value) ? [{ field: field || 'valeur', problems: [UNSAFE_CHARACTER_MESSAGE] }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item) => hostileTextProblems(item, field));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const name = field ? `${field}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) return [{ field: name, problems: [UNEXPECTED_FIELD_MESSAGE] }];
    if (UNSAFE_CHARACTER.test(key)) return [{ field: 'champ', problems: [UNSAFE_CHARACTER_MESSAGE] }];
    return hostileTextProblems((value as Record<string, unknown>)[key], name);
  });
}
