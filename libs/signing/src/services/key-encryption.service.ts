import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { derivedSecretsKeys, openWithAny, RELAIS_CONFIG, type RelaisConfig } from '@relais/config';

/** HKDF context: a key of its own, derived from SECRETS_KEY, for signing keys and nothing else. */
const HKDF_INFO = 'relais/signing-keys/aes-256-gcm/v1';
/** A full 16-byte tag, so a truncated one is refused. */
const TAG = { authTagLength: 16 };

/**
 * Encrypts private signing keys at rest with AES-256-GCM, in the same format as the aides'
 * SecretBox (v1.<iv>.<tag>.<ciphertext>, base64url) but under a key derived from SECRETS_KEY
 * with HKDF, so a TOTP seed's ciphertext can never be opened as a signing key or the reverse.
 * The kid is bound as associated data: a ciphertext moved to another row does not open. Seals
 * under SECRETS_KEY; opens under SECRETS_KEY_PREVIOUS too during a rotation.
 */
@Injectable()
export class KeyEncryption {
  private readonly keys: Buffer[];

  constructor(@Inject(RELAIS_CONFIG) config: Pick<RelaisConfig, 'SECRETS_KEY' | 'SECRETS_KEY_PREVIOUS'>) {
    this.keys = derivedSecretsKeys(config, HKDF_INFO);
  }

  seal(kid: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv, TAG).setAAD(Buffer.from(kid, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', ...[iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'))].join('.');
  }

  /** Throws when the key, the kid or the ciphertext is not the one sealed. */
  open(kid: string, sealed: string): string {
    const [version, iv, tag, data, extra] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || !data || extra !== undefined) throw new Error('Unknown sealed key format');
    return openWithAny(this.keys, (key) => {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), TAG);
      decipher.setAAD(Buffer.from(kid, 'utf8')).setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    });
  }

  /** The same key sealed under SECRETS_KEY (`secrets:rotate`). */
  reseal(kid: string, sealed: string): string {
    return this.seal(kid, this.open(kid, sealed));
  }
}
