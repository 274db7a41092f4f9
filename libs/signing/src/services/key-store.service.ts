import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { DataSource, type EntityManager } from 'typeorm';

import { SigningKey } from '../entities/signing-key.entity.js';
import { SigningKeyStatus } from '../enums/signing-key-status.enum.js';
import { SigningKeyUnreadableError } from '../exceptions/signing-key-unreadable.error.js';
import type { PublicJwks } from '../interfaces/public-jwks.interface.js';
import { generateKeyMaterial, SIGNING_ALG } from '../key-material.js';
import { KeyEncryption } from './key-encryption.service.js';

/** Two-key advisory lock serialising key creation and rotation across every process. */
const SIGNING_KEYS_LOCK = [7262, 2] as const;

/** What a rotation did: the new active key, and the one it retired (none on a first key). */
export interface KeyRotation {
  active: SigningKey;
  retired: SigningKey | null;
}

/**
 * The platform's signing keys in PostgreSQL: exactly one active key signs, retired ones stay to
 * verify what they signed. A kid's key never changes, so imported keys are cached by kid.
 */
@Injectable()
export class KeyStore {
  private readonly privateKeys = new Map<string, Promise<CryptoKey>>();
  private readonly publicKeys = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: KeyEncryption,
    private readonly audit: AuditRecorder,
  ) {}

  /** The active key, created if there is none yet; processes starting together create only one. */
  async ensureActiveKey(): Promise<SigningKey> {
    const found = await this.findActive(this.dataSource.manager);
    if (found) return found;
    return this.dataSource.transaction(async (manager) => {
      await lockKeys(manager);
      const existing = await this.findActive(manager);
      if (existing) return existing;
      const created = await this.insertNewKey(manager);
      await this.audit.record(manager, {
        action: AuditAction.SigningKeyCreated,
        actor: { type: AuditActorType.System },
        details: { kid: created.kid },
      });
      return created;
    });
  }

  /** Adds a new active key and retires the current one, which keeps verifying. */
  rotate(): Promise<KeyRotation> {
    return this.dataSource.transaction(async (manager) => {
      await lockKeys(manager);
      const previous = await this.findActive(manager);
      if (previous) {
        await manager.update(
          SigningKey,
          { kid: previous.kid },
          { status: SigningKeyStatus.Retired, retiredAt: () => 'now()' },
        );
      }
      const active = await this.insertNewKey(manager);
      const retired = previous && (await manager.findOneByOrFail(SigningKey, { kid: previous.kid }));
      await this.audit.record(manager, {
        action: AuditAction.SigningKeyRotated,
        actor: { type: AuditActorType.Operator },
        details: { kid: active.kid, previousKid: previous?.kid ?? null },
      });
      return { active, retired };
    });
  }

  /** The key that signs now (the first one is created on first use). */
  async activeKey(): Promise<SigningKey> {
    return (await this.findActive(this.dataSource.manager)) ?? this.ensureActiveKey();
  }

  /** Every key, the active one first, then the most recently created. */
  async list(): Promise<SigningKey[]> {
    const keys = await this.dataSource.manager.find(SigningKey, { order: { createdAt: 'DESC', kid: 'ASC' } });
    return keys.sort((a, b) => rank(a) - rank(b));
  }

  /** The JWKS to publish: every key (retired ones still verify old seals), the active one first. */
  async publicJwks(): Promise<PublicJwks> {
    const keys = await this.list();
    return { keys: keys.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: SIGNING_ALG, use: 'sig' })) };
  }

  /** The active key's kid and its private key, decrypted, for signing. */
  async signingKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const key = await this.activeKey();
    return { kid: key.kid, privateKey: await this.cached(this.privateKeys, key.kid, () => this.importPrivate(key)) };
  }

  /** The public key of a kid, or null when no key of the platform has it. */
  async verificationKey(kid: string): Promise<CryptoKey | null> {
    const known = this.publicKeys.get(kid);
    if (known) return known;
    const key = await this.dataSource.manager.findOneBy(SigningKey, { kid });
    if (!key) return null;
    return this.cached(this.publicKeys, kid, () => importJWK(key.publicJwk, SIGNING_ALG) as Promise<CryptoKey>);
  }

  private findActive(manager: EntityManager): Promise<SigningKey | null> {
    return manager.findOneBy(SigningKey, { status: SigningKeyStatus.Active });
  }

  private async insertNewKey(manager: EntityManager): Promise<SigningKey> {
    const { kid, publicJwk, privateJwk } = await generateKeyMaterial();
    return manager.save(
      manager.create(SigningKey, {
        kid,
        alg: SIGNING_ALG,
        publicJwk,
        privateJwkEncrypted: this.encryption.seal(kid, JSON.stringify(privateJwk)),
        status: SigningKeyStatus.Active,
        retiredAt: null,
      }),
    );
  }

  private async importPrivate(key: SigningKey): Promise<CryptoKey> {
    let jwk: JWK;
    try {
      jwk = JSON.parse(this.encryption.open(key.kid, key.privateJwkEncrypted));
    } catch {
      throw new SigningKeyUnreadableError(key.kid);
    }
    return (await importJWK(jwk, SIGNING_ALG, { extractable: false })) as CryptoKey;
  }

  /** Caches the import; a failed one is forgotten so the next call retries. */
  private cached(cache: Map<string, Promise<CryptoKey>>, kid: string, load: () => Promise<CryptoKey>) {
    let entry = cache.get(kid);
    if (!entry) {
      entry = load();
      cache.set(kid, entry);
      entry.catch(() => cache.delete(kid));
    }
    return entry;
  }
}

async function lockKeys(manager: EntityManager): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [...SIGNING_KEYS_LOCK]);
}

function rank(key: SigningKey): number {
  return key.status === SigningKeyStatus.Active ? 0 : 1;
}
