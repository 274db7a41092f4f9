import { SecretBox } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { ProviderKeys } from '@relais/delegation';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { KeyEncryption } from '@relais/signing';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** How many secrets of each kind were encrypted again. */
export interface RotationCounts {
  totpSeeds: number;
  pendingEmailTokens: number;
  signingKeys: number;
  providerKeys: number;
  providerSecrets: number;
}

/** One kind of secret sealed under SECRETS_KEY: its table, its column, how a row is named. */
export interface SealedColumn {
  kind: keyof RotationCounts;
  table: string;
  /** The row's id; KeyEncryption binds it (a kid, a name) as associated data, SecretBox binds none. */
  id: string;
  column: string;
  /** When the sealed value is one key of a jsonb column. */
  jsonKey?: string;
  keyBound: boolean;
  /** How a row is named to the operator in an error (an id, never personal data). */
  what: (id: string) => string;
}

/**
 * Everything Relais keeps encrypted under SECRETS_KEY, in one list: a new kind of sealed secret
 * must be added here, or `secrets:rotate` would leave it under the old key (the command's test
 * looks for sealed values in every column of the database to catch that).
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    kind: 'totpSeeds',
    table: 'aides',
    id: 'id',
    column: 'totp_secret',
    keyBound: false,
    what: (id) => `la graine du second facteur de l’aidant ${id}`,
  },
  {
    kind: 'pendingEmailTokens',
    table: 'notifications',
    id: 'id',
    column: 'payload',
    jsonKey: 'sealedToken',
    keyBound: false,
    what: (id) => `le lien du courriel ${id}, pas encore envoyé,`,
  },
  {
    kind: 'signingKeys',
    table: 'signing_keys',
    id: 'kid',
    column: 'private_jwk_encrypted',
    keyBound: true,
    what: (id) => `la clé de signature ${id}`,
  },
  {
    kind: 'providerKeys',
    table: 'oidc_signing_keys',
    id: 'kid',
    column: 'private_jwk_encrypted',
    keyBound: true,
    what: (id) => `la clé de signature OpenID ${id}`,
  },
  {
    kind: 'providerSecrets',
    table: 'oidc_secrets',
    id: 'name',
    column: 'secret_encrypted',
    keyBound: true,
    what: (id) => `le secret OpenID ${id}`,
  },
];

/**
 * `secrets:rotate`: with the new key in SECRETS_KEY and the old one in SECRETS_KEY_PREVIOUS,
 * encrypts every secret again under the new key, in one transaction (all or nothing), journaled.
 * Nothing is decrypted into a log or a file.
 */
export async function rotateSecretsKey(app: INestApplicationContext): Promise<RotationCounts> {
  const config = app.get<RelaisConfig>(RELAIS_CONFIG);
  if (!config.SECRETS_KEY_PREVIOUS || config.SECRETS_KEY_PREVIOUS === config.SECRETS_KEY) {
    throw new DomainException(ErrorCode.SecretsKeyPreviousMissing);
  }
  const dataSource = app.get(DataSource);
  const box = app.get(SecretBox);
  const keys = app.get(KeyEncryption);
  return dataSource.transaction(async (manager) => {
    // The pairwise-subject key is stored from now on (derived from the old key if it was not yet),
    // so that no public service sees its citizens' `sub` change.
    await app.get(ProviderKeys).pairwiseKeyIn(manager);
    const counts = {} as RotationCounts;
    for (const column of SEALED_COLUMNS) {
      counts[column.kind] = await reseal(manager, column, (id, sealed) =>
        column.keyBound ? keys.reseal(id, sealed) : box.reseal(sealed),
      );
    }
    await app.get(AuditRecorder).record(manager, {
      action: AuditAction.SecretsKeyRotated,
      actor: { type: AuditActorType.Operator },
      details: { ...counts },
    });
    return counts;
  });
}

async function reseal(
  manager: EntityManager,
  column: SealedColumn,
  resealOne: (id: string, sealed: string) => string,
): Promise<number> {
  const { table, id: idColumn, column: name, jsonKey } = column;
  const value = jsonKey ? `${name}->>'${jsonKey}'` : name;
  const rows: { id: string; sealed: string }[] = await manager.query(
    `SELECT ${idColumn}::text AS id, ${value} AS sealed FROM ${table} WHERE ${value} IS NOT NULL FOR UPDATE`,
  );
  const update = jsonKey
    ? `UPDATE ${table} SET ${name} = jsonb_set(${name}, '{${jsonKey}}', to_jsonb($2::text)) WHERE ${idColumn} = $1`
    : `UPDATE ${table} SET ${name} = $2 WHERE ${idColumn} = $1`;
  for (const { id, sealed } of rows) {
    let resealed: string;
    try {
      resealed = resealOne(id, sealed);
    } catch {
      throw new DomainException(ErrorCode.SecretUnreadable, { params: { what: column.what(id) } });
    }
    await manager.query(update, [id, resealed]);
  }
  return rows.length;
}
