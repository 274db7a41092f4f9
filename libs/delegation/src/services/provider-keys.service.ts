import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { derivedSecretsKeys, RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { KeyEncryption } from '@relais/signing';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { DataSource, type EntityManager, IsNull } from 'typeorm';

import { OidcSigningKey } from '../entities/oidc-signing-key.entity.js';

/** ES256 first (what Relais signs with by default), RS256 also offered to clients that ask for it. */
const ALGORITHMS = ['ES256', 'RS256'] as const;
const PROVIDER_KEYS_LOCK = [7262, 3] as const;
/** A retired key stays in the JWKS this long: well past the tokens it signed (10 minutes) and services' cached key sets. */
export const RETIRED_KEY_PUBLISHED_S = 24 * 3600;
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
    private readonly audit: AuditRecorder,
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
    await this.lock(manager);
    const [row] = await manager.query('SELECT secret_encrypted FROM oidc_secrets WHERE name = $1', [PAIRWISE]);
    if (row) return Buffer.from(this.encryption.open(PAIRWISE, row.secret_encrypted), 'base64');
    const key = derivedSecretsKeys(this.config, PAIRWISE).at(-1)!;
    await manager.query('INSERT INTO oidc_secrets (name, secret_encrypted) VALUES ($1, $2)', [
      PAIRWISE,
      this.encryption.seal(PAIRWISE, key.toString('base64')),
    ]);
    return key;
  }

  /**
   * The private JWK Set for oidc-provider's `jwks` setting: the keys in use first (ES256, then
   * RS256), which oidc-provider signs with, then the keys retired within a day, published for
   * verification only.
   */
  async privateJwks(): Promise<{ keys: JWK[] }> {
    let rows = await this.published();
    if (ALGORITHMS.some((alg) => !rows.some((row) => row.alg === alg && !row.retiredAt))) {
      await this.dataSource.transaction((manager) => this.createMissing(manager));
      rows = await this.published();
    }
    const inUse = ALGORITHMS.map((alg) => rows.find((row) => row.alg === alg && !row.retiredAt)!);
    const retired = rows.filter((row) => row.retiredAt);
    return { keys: [...inUse, ...retired].map((row) => this.privateJwk(row)) };
  }

  /**
   * New keys in use for every algorithm; the current ones retire (they stay in the JWKS for a
   * day). Journaled. Each api process signs with the new keys from its next start.
   */
  rotate(): Promise<{ kids: string[]; retiredKids: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      await this.lock(manager);
      const retiring = await manager.findBy(OidcSigningKey, { retiredAt: IsNull() });
      await manager.update(OidcSigningKey, { retiredAt: IsNull() }, { retiredAt: () => 'now()' });
      const created = await this.createMissing(manager);
      const [kids, retiredKids] = [created.map((row) => row.kid), retiring.map((row) => row.kid)];
      await this.audit.record(manager, {
        action: AuditAction.ProviderSigningKeysRotated,
        actor: { type: AuditActorType.Operator },
        details: { kids, retiredKids },
      });
      return { kids, retiredKids };
    });
  }

  /** The keys in use and those retired within the day, newest first. */
  private published(): Promise<OidcSigningKey[]> {
    return this.dataSource.manager
      .createQueryBuilder(OidcSigningKey, 'key')
      .where('key.retired_at IS NULL OR key.retired_at > now() - make_interval(secs => :seconds)', {
        seconds: RETIRED_KEY_PUBLISHED_S,
      })
      .orderBy('key.created_at', 'DESC')
      .getMany();
  }

  private privateJwk(row: OidcSigningKey): JWK {
    return {
      ...JSON.parse(this.encryption.open(row.kid, row.privateJwkEncrypted)),
      kid: row.kid,
      alg: row.alg,
      use: 'sig',
    };
  }

  private lock(manager: EntityManager) {
    return manager.query('SELECT pg_advisory_xact_lock($1, $2)', [...PROVIDER_KEYS_LOCK]);
  }

  /** A key in use for each algorithm that has none, in the caller's transaction. */
  private async createMissing(manager: EntityManager): Promise<OidcSigningKey[]> {
    await this.lock(manager);
    const inUse = await manager.findBy(OidcSigningKey, { retiredAt: IsNull() });
    const created: OidcSigningKey[] = [];
    for (const alg of ALGORITHMS.filter((wanted) => !inUse.some((row) => row.alg === wanted))) {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      const privateJwk = await exportJWK(privateKey);
      const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
      created.push(
        await manager.save(
          manager.create(OidcSigningKey, {
            kid,
            alg,
            privateJwkEncrypted: this.encryption.seal(kid, JSON.stringify(privateJwk)),
          }),
        ),
      );
    }
    return created;
  }
}
