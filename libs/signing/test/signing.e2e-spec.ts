import { randomBytes } from 'node:crypto';

import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { CompactSign, decodeProtectedHeader, importJWK, type CryptoKey, type JWK } from 'jose';
import { DataSource } from 'typeorm';

import { canonicalPayload } from '../src/canonical-payload.js';
import { SigningKeyStatus } from '../src/enums/signing-key-status.enum.js';
import { VerificationFailure } from '../src/enums/verification-failure.enum.js';
import { SigningKeyUnreadableError } from '../src/exceptions/signing-key-unreadable.error.js';
import { generateKeyMaterial } from '../src/key-material.js';
import { KeyStore } from '../src/services/key-store.service.js';
import { Signer } from '../src/services/signer.service.js';
import { SigningModule } from '../src/signing.module.js';
import { verifyWithJwks } from '../src/verify-with-jwks.js';

const TERMS = {
  structure: '9b2f4c1e-0000-4000-8000-000000000001',
  citizen: 'sha256:5e8…',
  areas: ['papers', 'money'],
  start: '2026-11-24T10:00:00.000Z',
  end: '2027-05-24T10:00:00.000Z',
  consent: { sub: 'fc-sub-1', acr: 'eidas1', auth_time: 1795000000 },
};

describe('Signing keys and seals (PostgreSQL)', () => {
  let env: TestEnvironment;
  let contexts: TestingModule[];
  let dataSource: DataSource;
  let keys: KeyStore;
  let signer: Signer;

  /** A Nest context of its own, with its own connection pool: another process, as far as keys go. */
  const startProcess = async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, SigningModule],
    }).compile();
    await moduleRef.init();
    contexts.push(moduleRef);
    return { keys: moduleRef.get(KeyStore), signer: moduleRef.get(Signer), dataSource: moduleRef.get(DataSource) };
  };
  const countKeys = async (status?: SigningKeyStatus): Promise<number> =>
    (
      await dataSource.query('SELECT count(*)::int AS n FROM signing_keys WHERE $1::text IS NULL OR status = $1', [
        status ?? null,
      ])
    )[0].n;

  beforeEach(async () => {
    env = await createTestEnvironment();
    contexts = [];
    ({ keys, signer, dataSource } = await startProcess());
  });

  afterEach(async () => {
    await Promise.all(contexts.map((moduleRef) => moduleRef.close()));
    await env.dispose();
  });

  it('creates the first key exactly once when two processes start at the same moment', async () => {
    // Given two processes, and the table held so both pass the "no key yet" check before either inserts
    const other = await startProcess();
    const blocker = dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
    const started = Promise.all([keys.ensureActiveKey(), other.keys.ensureActiveKey()]);
    // (one waits for the table to insert, the other for the key-creation lock the first holds)
    await waitFor(async () => {
      const [{ waiting }] = await dataSource.query(
        "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return waiting === 2;
    });
    // When the table is released
    await blocker.rollbackTransaction();
    await blocker.release();
    // Then both processes got the same key, and only one exists
    const [first, second] = await started;
    expect(second.kid).toBe(first.kid);
    expect(first).toMatchObject({ alg: 'ES256', status: SigningKeyStatus.Active, retiredAt: null });
    expect(await countKeys()).toBe(1);
    // And later calls keep it
    expect((await keys.ensureActiveKey()).kid).toBe(first.kid);
  });

  it('lets the database itself refuse a second active key', async () => {
    const active = await keys.ensureActiveKey();
    await expect(
      dataSource.query(
        `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_encrypted, status)
         SELECT $1, alg, public_jwk, private_jwk_encrypted, 'active' FROM signing_keys WHERE kid = $2`,
        [randomBytes(32).toString('base64url').slice(0, 43), active.kid],
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'signing_keys_one_active' });
  });

  it('seals the canonical JSON of a payload with the active key and verifies it back', async () => {
    // When the platform seals mandate terms (the first key is created on first use)
    const jws = await signer.sign(TERMS);
    // Then the JWS is ES256, names the active key, and covers the RFC 8785 form of the terms
    const active = await keys.activeKey();
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', kid: active.kid, typ: 'JOSE' });
    expect(Buffer.from(jws.split('.')[1], 'base64url')).toEqual(Buffer.from(canonicalPayload(TERMS)));
    // And it verifies, giving back the terms, also when compared with the expected terms
    expect(await signer.verify(jws)).toEqual({ valid: true, kid: active.kid, payload: TERMS });
    expect(await signer.verify(jws, { ...TERMS })).toMatchObject({ valid: true });
    expect(await signer.verify(jws, { ...TERMS, areas: ['papers'] })).toMatchObject({
      valid: false,
      reason: VerificationFailure.PayloadMismatch,
    });
  });

  it.each([
    ['payload', 1],
    ['signature', 2],
  ])('refuses a seal whose %s was altered by one byte', async (_part, index) => {
    // Given a good seal
    const parts = (await signer.sign(TERMS)).split('.');
    // When one byte of one part is changed
    const bytes = Buffer.from(parts[index], 'base64url');
    bytes[Math.floor(bytes.length / 2)] ^= 0x20;
    parts[index] = bytes.toString('base64url');
    // Then the seal is refused as badly signed
    expect(await signer.verify(parts.join('.'))).toMatchObject({
      valid: false,
      reason: VerificationFailure.BadSignature,
    });
  });

  it('keeps verifying old seals after a rotation, and signs new ones with the new key', async () => {
    // Given a seal made with the first key
    const first = await keys.ensureActiveKey();
    const oldJws = await signer.sign(TERMS);
    // When the operator rotates the keys (from another process)
    const other = await startProcess();
    const { active, retired } = await other.keys.rotate();
    // Then the old key is retired, not deleted, and the new one is the only active key
    expect(retired).toMatchObject({ kid: first.kid, status: SigningKeyStatus.Retired, retiredAt: expect.any(Date) });
    expect(active.kid).not.toBe(first.kid);
    expect((await keys.list()).map((key) => [key.kid, key.status])).toEqual([
      [active.kid, SigningKeyStatus.Active],
      [first.kid, SigningKeyStatus.Retired],
    ]);
    // And new seals, in every process, carry the new kid
    expect(decodeProtectedHeader(await signer.sign(TERMS)).kid).toBe(active.kid);
    expect(decodeProtectedHeader(await other.signer.sign(TERMS)).kid).toBe(active.kid);
    // And the old seal still verifies, in the database and with the published JWKS
    expect(await signer.verify(oldJws)).toMatchObject({ valid: true, kid: first.kid });
    const jwks = await keys.publicJwks();
    expect(jwks.keys.map((key) => [key.kid, key.alg, key.use])).toEqual([
      [active.kid, 'ES256', 'sig'],
      [first.kid, 'ES256', 'sig'],
    ]);
    expect(await verifyWithJwks(oldJws, jwks, TERMS)).toMatchObject({ valid: true, kid: first.kid });
  });

  it('stores private keys encrypted only', async () => {
    await keys.ensureActiveKey();
    await keys.rotate();
    const rows: { public_jwk: object; private_jwk_encrypted: string }[] = await dataSource.query(
      'SELECT public_jwk, private_jwk_encrypted FROM signing_keys',
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.keys(row.public_jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      expect(row.private_jwk_encrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.private_jwk_encrypted).not.toContain('"d"');
      expect(row.private_jwk_encrypted).not.toContain('P-256');
    }
  });

  it('cannot sign when SECRETS_KEY is not the one the key was encrypted with', async () => {
    // Given a key created under the default SECRETS_KEY
    await keys.ensureActiveKey();
    // When a process starts with another SECRETS_KEY
    const saved = process.env.SECRETS_KEY;
    process.env.SECRETS_KEY = randomBytes(32).toString('base64');
    const misconfigured = await startProcess().finally(() => {
      if (saved === undefined) delete process.env.SECRETS_KEY;
      else process.env.SECRETS_KEY = saved;
    });
    // Then it refuses to sign, naming the problem, rather than using some other key
    await expect(misconfigured.signer.sign(TERMS)).rejects.toBeInstanceOf(SigningKeyUnreadableError);
    // And it still verifies, since verification needs public keys only
    expect(await misconfigured.signer.verify(await signer.sign(TERMS))).toMatchObject({ valid: true });
  });

  it('verifies offline, from the published JWKS alone, once the database is gone', async () => {
    // Given a seal and the JWKS as published (a JSON document)
    const jws = await signer.sign(TERMS);
    const published = JSON.parse(JSON.stringify(await keys.publicJwks()));
    // When every process is stopped and the database dropped
    await Promise.all(contexts.splice(0).map((moduleRef) => moduleRef.close()));
    await env.dispose();
    env = { ...env, dispose: async () => undefined };
    // Then the seal still verifies, and an altered one still does not
    expect(await verifyWithJwks(jws, published, TERMS)).toMatchObject({ valid: true, payload: TERMS });
    const forged = Buffer.from(JSON.stringify({ ...TERMS, areas: ['money', 'papers', 'justice'] })).toString(
      'base64url',
    );
    const [header, , signature] = jws.split('.');
    expect(await verifyWithJwks(`${header}.${forged}.${signature}`, published)).toMatchObject({
      valid: false,
      reason: VerificationFailure.BadSignature,
    });
  });

  it('refuses a seal made with a key the platform does not have', async () => {
    // Given the platform's key, and a stranger's key pair
    await keys.ensureActiveKey();
    const stranger = await generateKeyMaterial();
    const privateKey = (await importJWK(stranger.privateJwk as JWK, 'ES256')) as CryptoKey;
    const jws = await new CompactSign(canonicalPayload(TERMS))
      .setProtectedHeader({ alg: 'ES256', kid: stranger.kid, typ: 'JOSE' })
      .sign(privateKey);
    // Then the seal is refused for its unknown kid, in the database and with the JWKS
    const refused = { valid: false, reason: VerificationFailure.UnknownKid, kid: stranger.kid };
    expect(await signer.verify(jws)).toEqual(refused);
    expect(await verifyWithJwks(jws, await keys.publicJwks())).toEqual(refused);
  });

  it('makes the first key when the operator rotates before anything was signed', async () => {
    const { active, retired } = await keys.rotate();
    expect(retired).toBeNull();
    expect(await countKeys(SigningKeyStatus.Active)).toBe(1);
    expect((await keys.activeKey()).kid).toBe(active.kid);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
