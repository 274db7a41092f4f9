import { Injectable } from '@nestjs/common';
import { KeyEncryption } from '@relais/signing';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { DataSource } from 'typeorm';

import { OidcSigningKey } from '../entities/oidc-signing-key.entity.js';

/** ES256 first (what Relais signs with by default), RS256 also offered to clients that ask for it. */
const ALGORITHMS = ['ES256', 'RS256'] as const;
const PROVIDER_KEYS_LOCK = [7262, 3] as const;

/**
 * The OpenID provider's private signing keys, in PostgreSQL (encrypted), so every api process
 * signs with the same keys. Created once, by whichever process starts first.
 */
@Injectable()
export class ProviderKeys {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: KeyEncryption,
  ) {}

  /** The private JWK Set for oidc-provider's `jwks` setting, ES256 key first. */
  async privateJwks(): Promise<{ keys: JWK[] }> {
    let rows = await this.dataSource.manager.find(OidcSigningKey);
    if (rows.length < ALGORITHMS.length) rows = await this.createMissing();
    const keys = ALGORITHMS.map((alg) => {
      const row = rows.find((candidate) => candidate.alg === alg)!;
      return { ...JSON.parse(this.encryption.open(row.kid, row.privateJwkEncrypted)), kid: row.kid, alg, use: 'sig' };
    });
    return { keys };
  }

  private createMissing(): Promise<OidcSigningKey[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [...PROVIDER_KEYS_LOCK]);
      const existing = await manager.find(OidcSigningKey);
      for (const alg of ALGORITHMS.filter((wanted) => !existing.some((row) => row.alg === wanted))) {
        const { privateKey } = await generateKeyPair(alg, { extractable: true });
        const privateJwk = await exportJWK(privateKey);
        const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
        existing.push(
          await manager.save(
            manager.create(OidcSigningKey, {
              kid,
              alg,
              privateJwkEncrypted: this.encryption.seal(kid, JSON.stringify(privateJwk)),
            }),
          ),
        );
      }
      return existing;
    });
  }
}
