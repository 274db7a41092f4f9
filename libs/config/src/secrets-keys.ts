import { hkdfSync } from 'node:crypto';

import type { RelaisConfig } from './env.schema.js';

/**
 * The keys secrets at rest are opened with: SECRETS_KEY first (the one that encrypts and signs),
 * then, during a rotation, SECRETS_KEY_PREVIOUS (docs/operations.md, "Changing SECRETS_KEY").
 */
export function secretsKeys(config: Pick<RelaisConfig, 'SECRETS_KEY' | 'SECRETS_KEY_PREVIOUS'>): Buffer[] {
  return [config.SECRETS_KEY, config.SECRETS_KEY_PREVIOUS]
    .filter((key): key is string => key !== undefined)
    .map((key) => Buffer.from(key, 'base64'));
}

/** Each configured key derived for one use (HKDF-SHA256, `info` naming the use), current key first. */
export function derivedSecretsKeys(
  config: Pick<RelaisConfig, 'SECRETS_KEY' | 'SECRETS_KEY_PREVIOUS'>,
  info: string,
): Buffer[] {
  return secretsKeys(config).map((key) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32)));
}

/** What `open` gives with the first key that opens it; the last key's error when none does. */
export function openWithAny<T>(keys: readonly Buffer[], open: (key: Buffer) => T): T {
  let failure: unknown;
  for (const key of keys) {
    try {
      return open(key);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
