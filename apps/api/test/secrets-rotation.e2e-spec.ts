import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole, SecretBox } from '@relais/aides';
import { ProviderKeys } from '@relais/delegation';
import { KeyEncryption } from '@relais/signing';
import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';
import request from 'supertest';

import { SEALED_COLUMNS } from '../../cli/src/secrets-rotation.js';
import { createMember, createStructure, logIn, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate } from './delegation-helpers.js';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const OLD = key(1);
const NEW = key(2);
const WRONG = key(3);

/** A sealed value as SecretBox and KeyEncryption write them. */
const SEALED_VALUE = /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Threat "a stolen SECRETS_KEY" (docs/security.md): the operator changes the key; everything
 * sealed under the old one is sealed again under the new one, all or nothing, and every public
 * service keeps seeing the same `sub`.
 */
describe('secrets:rotate: changing SECRETS_KEY', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let app: NestExpressApplication;
  let member: TestMember;
  let structureId: string;
  let pairwiseBefore: Buffer;
  let providerKids: string[];

  /** Starts the api with these keys (and stops the one running). */
  async function restart(keys: { SECRETS_KEY: string; SECRETS_KEY_PREVIOUS?: string }) {
    await app?.close();
    process.env.SECRETS_KEY = keys.SECRETS_KEY;
    if (keys.SECRETS_KEY_PREVIOUS) process.env.SECRETS_KEY_PREVIOUS = keys.SECRETS_KEY_PREVIOUS;
    else delete process.env.SECRETS_KEY_PREVIOUS;
    app = await startConsole();
  }

  /** Every sealed value of the database, by table, column and id. */
  async function sealedValues(): Promise<Map<string, string>> {
    const columns = await db.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb')`,
    );
    const found = new Map<string, string>();
    for (const { table_name: table, column_name: column, data_type: type } of columns.rows) {
      const { rows } = await db.query(
        type === 'jsonb'
          ? `SELECT t.ctid::text AS at, e.key, e.value FROM ${table} t,
               jsonb_each_text(CASE WHEN jsonb_typeof(t.${column}) = 'object' THEN t.${column} ELSE '{}' END) e`
          : `SELECT ctid::text AS at, NULL AS key, ${column} AS value FROM ${table} WHERE ${column} LIKE 'v1.%'`,
      );
      for (const row of rows.filter((candidate) => SEALED_VALUE.test(candidate.value ?? ''))) {
        found.set(`${table}.${column}${row.key ? `->${row.key}` : ''}@${row.at}`, row.value);
      }
    }
    return found;
  }

  const jwksKids = async () =>
    ((await request(app.getHttpServer()).get('/oidc/jwks').expect(200)).body.keys as { kid: string }[])
      .map((jwk) => jwk.kid)
      .sort();

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    await restart({ SECRETS_KEY: OLD });
    structureId = await createStructure(app);
    member = await createMember(app, structureId, 'rotation@example.fr', MembershipRole.Supervisor);
    // An invitation email the worker has not sent yet: its link is kept sealed until it is.
    await db.query(
      `INSERT INTO notifications (aide_id, kind, payload) VALUES ($1, 'aide_invited', jsonb_build_object('sealedToken', $2::text))`,
      [member.aideId, app.get(SecretBox).seal('lien-pas-encore-envoye')],
    );
    await consentedMandate(app, structureId, member.aideId, ['papers'], { givenName: 'Marie', familyName: 'Durand' });
    pairwiseBefore = await app.get(ProviderKeys).pairwiseKey();
    providerKids = await jwksKids();
    // As on a platform that ran before the pairwise key was stored: the command stores it first.
    await db.query('DELETE FROM oidc_secrets');
  });

  afterAll(async () => {
    await app?.close();
    delete process.env.SECRETS_KEY;
    delete process.env.SECRETS_KEY_PREVIOUS;
    await db.end();
    await env.dispose();
  });

  it('refuses without the old key, or with a key that opens nothing, and changes nothing', async () => {
    const before = await sealedValues();
    expect(before.size).toBeGreaterThanOrEqual(5);

    const alone = await runCli(env, ['secrets:rotate'], { SECRETS_KEY: NEW });
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('l’ancienne dans SECRETS_KEY_PREVIOUS');

    const wrong = await runCli(env, ['secrets:rotate'], { SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: WRONG });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /Rien n’a été changé : .* ne s’ouvre ni avec SECRETS_KEY ni avec SECRETS_KEY_PREVIOUS/,
    );
    expect(wrong.stderr).not.toMatch(/\n\s+at /);

    expect(await sealedValues()).toEqual(before);
  });

  it('seals every secret again under the new key, journaled, and the platform works on the new key alone', async () => {
    const loggedIn = await (await logIn(app, member)).get('/espace').set('Accept', 'text/html').expect(200);
    const cookie = (loggedIn.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const withOldCookie = () =>
      request(app.getHttpServer()).get('/espace').set('Accept', 'text/html').set('Cookie', cookie);
    // The api runs with both keys while the command runs: what the old key sealed still opens,
    // and a session cookie signed with the old key still counts.
    await restart({ SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD });
    await withOldCookie().expect(200);
    const rotated = await runCli(env, ['secrets:rotate'], { SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD });
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('graines de second facteur : 1');
    expect(rotated.stdout).toContain('liens de courriels pas encore envoyés : 1');
    expect(rotated.stdout).toContain('clés de signature OpenID : 2');
    expect(rotated.stdout).toContain('secrets OpenID : 1');
    const journaled = await db.query(`SELECT details FROM audit_outbox WHERE action = 'platform.secrets_key_rotated'`);
    expect(journaled.rows).toHaveLength(1);
    expect(journaled.rows[0].details).toMatchObject({ totpSeeds: 1, signingKeys: 1, providerKeys: 2 });

    // Every sealed value of the database is in a column the command knows, and opens with the new key alone.
    const covered = new Set(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}${c.jsonKey ? `->${c.jsonKey}` : ''}`));
    const sealed = await sealedValues();
    expect([...sealed.keys()].map((at) => at.split('@')[0]).filter((column) => !covered.has(column))).toEqual([]);

    await restart({ SECRETS_KEY: NEW });
    const box = app.get(SecretBox);
    const old = { box: new SecretBox({ SECRETS_KEY: OLD }), keys: new KeyEncryption({ SECRETS_KEY: OLD }) };
    const [aide] = (await db.query('SELECT totp_secret FROM aides WHERE id = $1', [member.aideId])).rows;
    expect(box.open(aide.totp_secret)).toBe(member.secret);
    expect(() => old.box.open(aide.totp_secret)).toThrow();
    const [email] = (await db.query(`SELECT payload->>'sealedToken' AS sealed FROM notifications`)).rows;
    expect(box.open(email.sealed)).toBe('lien-pas-encore-envoye');
    for (const table of ['signing_keys', 'oidc_signing_keys']) {
      for (const row of (await db.query(`SELECT kid, private_jwk_encrypted AS sealed FROM ${table}`)).rows) {
        expect(() => app.get(KeyEncryption).open(row.kid, row.sealed)).not.toThrow();
        expect(() => old.keys.open(row.kid, row.sealed)).toThrow();
      }
    }

    // A cookie signed with the old key no longer counts; the aide logs in again (the seed opens),
    // the platform key signs, the provider publishes the same
    // keys, and the pairwise-subject key is the one from before: no service's `sub` changes.
    await withOldCookie().expect(303).expect('Location', '/connexion');
    const agent = await logIn(app, member);
    await agent.get('/espace').set('Accept', 'text/html').expect(200);
    await consentedMandate(app, structureId, member.aideId, ['papers'], { givenName: 'Paul', familyName: 'Martin' });
    expect(await jwksKids()).toEqual(providerKids);
    expect((await app.get(ProviderKeys).pairwiseKey()).equals(pairwiseBefore)).toBe(true);
  });
});
