import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { InvitationsService, MembershipRole, SecretBox } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { DEVELOPMENT_SECRETS_KEY } from '@relais/config';
import { ConsentChannel, MandateDuration, MandateRequests } from '@relais/mandates';
import { KeyEncryption } from '@relais/signing';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { createMember, createStructure, PASSWORD, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';

/**
 * Threat "a leaked database dump" (docs/security.md): a real `pg_dump` of a database that went
 * through every path creating a secret holds none of them in a usable form.
 */
describe('a leaked database dump', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let member: TestMember;
  let dump: string;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    const structureId = await createStructure(app);
    member = await createMember(app, structureId, 'dump@example.fr', MembershipRole.Supervisor);
    secrets['password'] = PASSWORD;
    secrets['TOTP seed'] = member.secret;

    const pending = await app
      .get(InvitationsService)
      .invite(
        { structureId, email: 'pending@example.fr', role: MembershipRole.Aide },
        { type: AuditActorType.Operator },
      );
    secrets['invitation token'] = pending.link!.split('/invitation/')[1];

    const remote = await app.get(MandateRequests).request({
      structureId,
      aideId: member.aideId,
      areas: ['papers'],
      duration: MandateDuration.SixMonths,
      channel: ConsentChannel.Remote,
    });
    secrets['remote consent token'] = remote.link!.split('/consentement/lien/')[1];

    const service = await registerService(app, 'Service de test', ['papers'], 'https://service.example/callback');
    secrets['client secret'] = service.clientSecret;

    // A sealed mandate creates the platform's signing key; the api's start created the provider's.
    await consentedMandate(app, structureId, member.aideId, ['papers'], { givenName: 'Marie', familyName: 'Durand' });

    const keys = app.get(KeyEncryption);
    const db = app.get(DataSource);
    const rows: { kid: string; sealed: string }[] = await db.query(
      `SELECT kid, private_jwk_encrypted AS sealed FROM signing_keys
       UNION ALL SELECT kid, private_jwk_encrypted FROM oidc_signing_keys`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const { kid, sealed } of rows) {
      const jwk = JSON.parse(keys.open(kid, sealed)) as { d: string; p?: string; q?: string };
      secrets[`private key ${kid} (d)`] = jwk.d;
      if (jwk.p) secrets[`private key ${kid} (p)`] = jwk.p;
    }
    secrets['SECRETS_KEY'] = process.env.SECRETS_KEY || DEVELOPMENT_SECRETS_KEY;

    const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', env.databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    });
    dump = stdout;
  });

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('holds no password, second-factor seed, token, client secret, private key or SECRETS_KEY in clear', () => {
    expect(dump).toContain('COPY public.aides');
    const found = Object.entries(secrets)
      .filter(([, value]) => dump.includes(value))
      .map(([name]) => name);
    expect(found).toEqual([]);
  });

  it('holds the password as an argon2id hash and the seed, the keys only encrypted', async () => {
    const db = app.get(DataSource);
    const [aide] = await db.query('SELECT password_hash, totp_secret FROM aides WHERE id = $1', [member.aideId]);
    expect(aide.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(dump).toContain(aide.password_hash);
    expect(aide.totp_secret).toMatch(/^v1\./);
    // Whoever has the dump but another key opens nothing.
    const otherKey = { SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(() => new SecretBox(otherKey as never).open(aide.totp_secret)).toThrow();
    const [key] = await db.query('SELECT kid, private_jwk_encrypted AS sealed FROM signing_keys LIMIT 1');
    expect(() => new KeyEncryption(otherKey).open(key.kid, key.sealed)).toThrow();
  });
});
