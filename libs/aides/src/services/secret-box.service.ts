import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { openWithAny, RELAIS_CONFIG, type RelaisConfig, secretsKeys } from '@relais/config';

/**
 * AES-256-GCM for small secrets at rest (TOTP seeds, the tokens of emails not sent yet). Format:
 * v1.<iv>.<tag>.<ciphertext>, base64url. Seals under SECRETS_KEY; opens under SECRETS_KEY_PREVIOUS
 * too during a rotation.
 */
@Injectable()
export class SecretBox {
  private readonly keys: Buffer[];

  constructor(@Inject(RELAIS_CONFIG) config: Pick<RelaisConfig, 'SECRETS_KEY' | 'SECRETS_KEY_PREVIOUS'>) {
    this.keys = secretsKeys(config);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || !data) throw new Error('Unknown sealed secret format');
    return openWithAny(this.keys, (key) => {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    });
  }

  /** The same secret sealed under SECRETS_KEY (`secrets:rotate`). */
  reseal(sealed: string): string {
    return this.seal(this.open(sealed));
  }
}
