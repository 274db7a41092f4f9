import { hkdfSync } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig, secretsKeys } from '@relais/config';
import { KeyEncryption } from '@relais/signing';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { DataSource, type EntityManager } from 'typeorm';

import { OidcSigningKey } from '../entities/oidc-signing-key.entity.js';

/** ES256 first (what Relais signs with by default), RS256 also offered to clients that ask for it. */
const ALGORITHMS = ['ES256', 'RS256'] as const;
const PROVIDER_KEYS_LOCK = [7262, 3] as const;
/** The row of `oidc_secrets` holding the key of the pairwise subjects (and its HKDF context). */
const PAIRWISE = 'relais/oidc/pairwise-subjects/v1';

/**
 * The OpenID provider's private signing keys and the key of its pairwise subjects, in PostgreSQL
 * (encrypted), so every api process uses the same ones. Created once, by whichever process starts
 * first.
 */
@Injectable()
export class ProviderKeys {
  private pairwise?: Promise<Buffer>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: KeyEncryption,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /**
   * The key of the pairwise subjects (`sub`), read once per process. It is stored rather than
   * derived from SECRETS_KEY at each start, so that changing SECRETS_KEY changes no service's
   * `sub`; the first one is derived from the oldest key configured, as it was before it was stored.
   */
  pairwiseKey(): Promise<Buffer> {
    this.pairwise ??= this.dataSource.transaction((manager) => this.pairwiseKeyIn(manager));
    return this.pairwise;
  }

  /** The same, read or created in the caller's transaction (`secrets:rotate`). */
  async pairwiseKeyIn(manager: EntityManager): Promise<Buffer> {
    await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [...PROVIDER_KEYS_LOCK]);
    const [row] = await manager.query('SELECT secret_encrypted FROM oidc_secrets WHERE name = $1', [PAIRWISE]);
    if (row) return Buffer.from(this.encryption.open(PAIRWISE, row.secret_encrypted), 'base64');
    const key = Buffer.from(hkdfSync('sha256', secretsKeys(this.config).at(-1)!, Buffer.alloc(0), PAIRWISE, 32));
    await manager.query('INSERT INTO oidc_secrets (name, secret_encrypted) VALUES ($1, $2)', [
      PAIRWISE,
      this.encryption.seal(PAIRWISE, key.toString('base64')),
    ]);
    return key;
  }

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
