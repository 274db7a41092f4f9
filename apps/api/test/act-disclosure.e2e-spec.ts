import type { NestExpressApplication } from '@nestjs/platform-express';
import { runCli, type TestEnvironment } from '@relais/testing';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';

import { createMember, hidden, logIn, type TestMember } from './console-helpers.js';
import { delegatedTokens, relyingParty, startProviderScene, type ProviderScene } from './provider-flow.js';

const CALLBACK = 'http://localhost:3200/callback';

describe('per-service disclosure of act (who acts), on by default', () => {
  let scene: ProviderScene;
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let issuer: string;
  let db: DataSource;
  let aide: TestMember;
  let marie: { mandateId: string; citizenId: string };

  const credentials = (stdout: string) => ({
    clientId: /^client_id=(.+)$/m.exec(stdout)![1],
    clientSecret: /^client_secret=(.+)$/m.exec(stdout)![1],
  });

  /** A real code flow; returns the ID token claims and userinfo, as the service gets them. */
  async function logInFor(service: { clientId: string; clientSecret: string }) {
    const config = await relyingParty(issuer, service);
    const tokens = await delegatedTokens(await logIn(app, aide), config, CALLBACK, marie.citizenId, 'papers');
    const idToken = tokens.claims()!;
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    return { idToken, userinfo };
  }

  /** Neither act nor anything of the aide (id, names) nor of the structure. */
  function expectNoAide(claims: object) {
    expect(claims).not.toHaveProperty('act');
    const text = JSON.stringify(claims);
    for (const trace of [aide.aideId, 'Camille', 'Martin', 'France Services Belleville']) {
      expect(text).not.toContain(trace);
    }
  }

  const journaledLogins = async (clientId: string) =>
    db.query(
      "SELECT actor_id FROM audit_outbox WHERE action = 'delegation.logged_in' AND details->>'publicService' = $1 ORDER BY id",
      [clientId],
    );

  beforeAll(async () => {
    scene = await startProviderScene('aidant.act@example.fr', ['papers']);
    ({ env, app, issuer, db, aide, marie } = scene);
    await db.query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
  }, 60_000);

  afterAll(() => scene?.close());

  it('registered with --no-act: no act and nothing of the aide in the ID token or userinfo; the journal still names the aide; public-service:act on brings it back', async () => {
    const registered = await runCli(env, [
      'public-service:register',
      '--name',
      'Fédération sans act',
      '--redirect-uri',
      CALLBACK,
      '--areas',
      'papers',
      '--no-act',
    ]);
    expect(registered.code).toBe(0);
    const service = credentials(registered.stdout);
    const list = await runCli(env, ['public-service:list']);
    expect(list.stdout).toMatch(/act/);
    expect(list.stdout).toMatch(new RegExp(`${service.clientId}.*Fédération sans act.*oui.*non`));

    const off = await logInFor(service);
    expect(off.idToken).toMatchObject({
      given_name: 'Marie-Thérèse',
      mandate_id: marie.mandateId,
      procedure_area: 'papers',
    });
    expectNoAide(off.idToken);
    expect(off.userinfo).toMatchObject({ given_name: 'Marie-Thérèse', procedure_area: 'papers' });
    expectNoAide(off.userinfo);
    const [journaled] = await journaledLogins(service.clientId);
    expect(journaled.actor_id).toBe(aide.aideId);

    const bad = await runCli(env, ['public-service:act', service.clientId, 'peut-être']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Indiquez on');
    const on = await runCli(env, ['public-service:act', service.clientId, 'on']);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('reçoit act');
    const back = await logInFor(service);
    expect(back.idToken.act).toMatchObject({ sub: aide.aideId, given_name: 'Camille', family_name: 'Martin' });
    expect(back.userinfo.act).toMatchObject({ sub: aide.aideId });
    expect(
      (
        await db.query(
          "SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'public_service.act_disclosure_changed' AND details->>'clientId' = $1",
          [service.clientId],
        )
      )[0].n,
    ).toBe(1);
  }, 90_000);

  it('on by default; the operator switches it off on the operator pages (CSRF form, journaled), from the next token on', async () => {
    const registered = await runCli(env, [
      'public-service:register',
      '--name',
      'Impôts avec act',
      '--redirect-uri',
      CALLBACK,
      '--areas',
      'papers',
    ]);
    const service = credentials(registered.stdout);
    const on = await logInFor(service);
    expect(on.idToken.act).toMatchObject({ sub: aide.aideId, siret: expect.stringMatching(/^\d{14}$/) });

    const member = await createMember(
      app,
      (await db.query('SELECT id FROM structures LIMIT 1'))[0].id,
      'ops.act@example.fr',
    );
    expect((await runCli(env, ['operator:grant', 'ops.act@example.fr'])).code).toBe(0);
    const operator = await logIn(app, member);
    const page = await operator.get('/operateur/services-publics').expect(200);
    expect(page.text).toContain('Ce service reçoit le nom de l’aidant et de sa structure');
    // Without the CSRF token: refused, nothing changes.
    await operator
      .post(`/operateur/services-publics/${service.clientId}/act-non-transmis`)
      .type('form')
      .send({})
      .expect(403);
    await operator
      .post(`/operateur/services-publics/${service.clientId}/act-non-transmis`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') })
      .expect(303);
    const after = await operator.get('/operateur/services-publics').expect(200);
    expect(after.text).toContain('Transmettre l’aidant');
    const [event] = await db.query(
      "SELECT actor_type, actor_id, details FROM audit_outbox WHERE action = 'public_service.act_disclosure_changed' AND details->>'clientId' = $1",
      [service.clientId],
    );
    expect(event).toMatchObject({ actor_type: 'operator', actor_id: member.aideId, details: { discloseAct: false } });

    const off = await logInFor(service);
    expectNoAide(off.idToken);
    expectNoAide(off.userinfo);
    expect((await journaledLogins(service.clientId)).map((row: { actor_id: string }) => row.actor_id)).toEqual([
      aide.aideId,
      aide.aideId,
    ]);
  }, 90_000);
});
