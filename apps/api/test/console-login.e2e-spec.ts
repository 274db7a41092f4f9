import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { SessionRedis } from '@relais/auth';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import {
  codeAt,
  createMember,
  createStructure,
  freshCode,
  hidden,
  lastAcceptedCode,
  logIn,
  PASSWORD,
  startConsole,
  submit,
} from './console-helpers.js';

describe('console login', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let structureId: string;
  let db: DataSource;

  const actions = async (action: string) =>
    (await db.query('SELECT count(*)::int AS n FROM audit_outbox WHERE action = $1', [action]))[0].n as number;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app);
  });

  afterAll(async () => {
    await app.close();
    await env.dispose();
  });

  it('sets up an account from the invitation page: password, QR code, then a code proves the app', async () => {
    const { InvitationsService } = await import('@relais/aides');
    const invited = await app
      .get(InvitationsService)
      .invite({ structureId, email: 'nouveau@example.fr', role: MembershipRole.Aide }, { type: 'operator' as never });
    const path = new URL(invited.link!).pathname;
    const agent = request.agent(app.getHttpServer());
    const page = await agent.get(path).expect(200);
    expect(page.text).toContain('Création de votre compte');
    expect(page.text).toMatch(/<img src="data:image\/png;base64,/);
    const key = /<code class="relais-key">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1].replaceAll(' ', '');
    const fields = { _csrf: hidden(page.text, '_csrf'), enrolment: hidden(page.text, 'enrolment') };

    // Different confirmation: the form comes back with the reason
    const mismatch = await agent
      .post(path)
      .type('form')
      .send({ ...fields, password: PASSWORD, passwordConfirmation: 'autre', code: await codeAt(key) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain(
      '<p id="passwordConfirmation-erreur" class="fr-error-text">Les deux mots de passe saisis sont différents.</p>',
    );
    // Neither password nor code is written back into the page.
    expect(mismatch.text).not.toContain(PASSWORD);
    expect(mismatch.text).not.toContain('value="autre"');

    const done = await agent
      .post(path)
      .type('form')
      .send({ ...fields, password: PASSWORD, passwordConfirmation: PASSWORD, code: await codeAt(key) });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/connexion?compte=cree');
    // The link is used up
    const again = await agent.get(path).set('Accept', 'text/html').expect(410);
    expect(again.text).toContain('n’est plus valable');
  });

  it('logs in with password then code, rotates the session id, and opens the space', async () => {
    const member = await createMember(app, structureId, 'rotation@example.fr');
    const agent = request.agent(app.getHttpServer());
    const page = await agent.get('/connexion').expect(200);
    const before = /relais\.sid=([^;]+)/.exec(page.headers['set-cookie']?.[0] ?? '')?.[1];
    const step1 = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), email: member.email, password: PASSWORD });
    expect(step1.headers.location).toBe('/connexion/code');
    const afterPassword = /relais\.sid=([^;]+)/.exec(step1.headers['set-cookie']?.[0] ?? '')?.[1];
    expect(afterPassword).toBeDefined();
    expect(afterPassword).not.toBe(before);
    const codePage = await agent.get('/connexion/code').expect(200);
    const step2 = await agent
      .post('/connexion/code')
      .type('form')
      .send({ _csrf: hidden(codePage.text, '_csrf'), code: await freshCode(app, member) });
    expect(step2.headers.location).toBe('/espace');
    const afterCode = /relais\.sid=([^;]+)/.exec(step2.headers['set-cookie']?.[0] ?? '')?.[1];
    expect(afterCode).not.toBe(afterPassword);
    expect(step2.headers['set-cookie']?.[0]).toMatch(/HttpOnly/i);
    expect(step2.headers['set-cookie']?.[0]).toMatch(/SameSite=Lax/i);
    const space = await agent.get('/espace').expect(200);
    expect(space.text).toContain('France Services Belleville');
    expect(await actions('aide.logged_in')).toBeGreaterThan(0);
  });

  it('answers a wrong password and an unknown email with the same page', async () => {
    await createMember(app, structureId, 'existe@example.fr');
    const agent = request.agent(app.getHttpServer());
    const page = await agent.get('/connexion');
    const wrong = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), email: 'existe@example.fr', password: 'mauvais-mot-de-passe' });
    const unknown = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), email: 'inconnu@example.fr', password: 'mauvais-mot-de-passe' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /<div class="fr-alert fr-alert--error[\s\S]*?<\/div>/.exec(html)?.[0];
    expect(message(wrong.text)).toBeDefined();
    expect(message(wrong.text)).toBe(message(unknown.text));
  });

  it('refuses a form without its CSRF token, or with another session’s token', async () => {
    const member = await createMember(app, structureId, 'csrf@example.fr');
    const agent = request.agent(app.getHttpServer());
    await agent.get('/connexion');
    const missing = await agent
      .post('/connexion')
      .type('form')
      .send({ email: member.email, password: PASSWORD })
      .set('Accept', 'text/html');
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Formulaire expiré');
    const other = request.agent(app.getHttpServer());
    const otherPage = await other.get('/connexion');
    const foreign = await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: hidden(otherPage.text, '_csrf'), email: member.email, password: PASSWORD });
    expect(foreign.status).toBe(403);
  });

  it('refuses the code step without the password step, a replayed code and a wrong code', async () => {
    const anonymous = request.agent(app.getHttpServer());
    await anonymous.get('/connexion/code').set('Accept', 'text/html').expect(303).expect('Location', '/connexion');

    const member = await createMember(app, structureId, 'code@example.fr');
    const agent = request.agent(app.getHttpServer());
    const page = await agent.get('/connexion');
    await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), email: member.email, password: PASSWORD })
      .expect(303);
    const codePage = await agent.get('/connexion/code');
    const wrong = await agent
      .post('/connexion/code')
      .type('form')
      .send({ _csrf: hidden(codePage.text, '_csrf'), code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Code incorrect');
    // The code used at account set-up, presented again (whatever 30 s step it is now), is refused
    const replay = await agent
      .post('/connexion/code')
      .type('form')
      .send({ _csrf: hidden(codePage.text, '_csrf'), code: await lastAcceptedCode(app, member) });
    expect(replay.status).toBe(400);
  });

  it('sends an anonymous visitor of the space to the login page', async () => {
    await request(app.getHttpServer())
      .get('/espace')
      .set('Accept', 'text/html')
      .expect(303)
      .expect('Location', '/connexion');
    await request(app.getHttpServer()).get('/espace').set('Accept', 'application/json').expect(401);
  });

  it('ends the session at logout', async () => {
    const member = await createMember(app, structureId, 'sortie@example.fr');
    const agent = await logIn(app, member);
    await submit(agent, '/espace', '/deconnexion').then((res) =>
      expect(res.headers.location).toBe('/connexion?deconnecte=1'),
    );
    await agent.get('/espace').set('Accept', 'text/html').expect(303).expect('Location', '/connexion');
    expect(await actions('aide.logged_out')).toBeGreaterThan(0);
  });

  it('ends the session of a deactivated aide at their next request', async () => {
    const member = await createMember(app, structureId, 'desactive@example.fr');
    const agent = await logIn(app, member);
    await agent.get('/espace').expect(200);
    await db.query('UPDATE memberships SET active = false WHERE aide_id = $1', [member.aideId]);
    await agent.get('/espace').set('Accept', 'text/html').expect(303).expect('Location', '/connexion');
  });

  it('ends a session 12 hours after login whatever the activity', async () => {
    const member = await createMember(app, structureId, 'douze.heures@example.fr');
    const agent = await logIn(app, member);
    // Given a session whose login was 12 hours and one second ago (activity since then)
    const redis = await app.get(SessionRedis).connected();
    const keys = await redis.keys(`${env.redisPrefix}:session:*`);
    let aged = 0;
    for (const key of keys) {
      const data = JSON.parse((await redis.get(key))!);
      if (data.aideId !== member.aideId) continue;
      data.loginAt -= 12 * 3600 * 1000 + 1000;
      await redis.set(key, JSON.stringify(data), { KEEPTTL: true });
      aged += 1;
    }
    expect(aged).toBe(1);
    await agent.get('/espace').set('Accept', 'text/html').expect(303).expect('Location', '/connexion');
  });

  it('moves the idle clock by the minute: a request within a minute writes nothing back to Redis', async () => {
    const member = await createMember(app, structureId, 'horloge.minute@example.fr');
    const agent = await logIn(app, member);
    await agent.get('/espace').expect(200);
    const redis = await app.get(SessionRedis).connected();
    const key = await (async () => {
      for (const candidate of await redis.keys(`${env.redisPrefix}:session:*`)) {
        if (JSON.parse((await redis.get(candidate))!).aideId === member.aideId) return candidate;
      }
      throw new Error('no session');
    })();
    // Given the session as it was written, its expiry in Redis set shorter to see any write
    const written = await redis.get(key);
    await redis.pExpire(key, 600_000);
    // When the aide comes back within the minute
    await agent.get('/espace').expect(200);
    // Then neither the session nor its expiry was written
    expect(await redis.get(key)).toBe(written);
    expect(await redis.pTTL(key)).toBeLessThanOrEqual(600_000);
    // Given the idle clock a minute and a second old
    const data = JSON.parse(written!);
    data.lastSeenAt -= 61_000;
    await redis.set(key, JSON.stringify(data), { KEEPTTL: true });
    // When the aide comes back
    const before = Date.now();
    await agent.get('/espace').expect(200);
    // Then the clock moves, and the session's expiry is a full idle period again
    expect(JSON.parse((await redis.get(key))!).lastSeenAt).toBeGreaterThanOrEqual(before);
    expect(await redis.pTTL(key)).toBeGreaterThan(25 * 60 * 1000);
  });

  it('lets an aide of two structures choose one, then switch (journaled)', async () => {
    const second = await createStructure(app, 'CCAS de Lille');
    const member = await createMember(app, structureId, 'deux.structures@example.fr');
    const { InvitationsService } = await import('@relais/aides');
    await app
      .get(InvitationsService)
      .invite({ structureId: second, email: member.email, role: MembershipRole.Aide }, { type: 'operator' as never });
    await db.query('UPDATE memberships SET active = true WHERE aide_id = $1', [member.aideId]);
    const agent = await logIn(app, member);
    await agent.get('/espace').set('Accept', 'text/html').expect(303).expect('Location', '/structure');
    const choice = await agent.get('/structure').expect(200);
    expect(choice.text).toContain('CCAS de Lille');
    await agent
      .post('/structure')
      .type('form')
      .send({ _csrf: hidden(choice.text, '_csrf'), structureId })
      .expect(303);
    expect((await agent.get('/espace').expect(200)).text).toContain('France Services Belleville');
    await submit(agent, '/structure', '/structure', { structureId: second }).then((res) =>
      expect(res.status).toBe(303),
    );
    expect((await agent.get('/espace').expect(200)).text).toContain('CCAS de Lille');
    expect(await actions('aide.structure_switched')).toBe(1);
  });

  it('refuses to choose a structure the aide does not belong to', async () => {
    const foreign = await createStructure(app, 'Mairie de Lyon');
    const member = await createMember(app, structureId, 'intrus@example.fr');
    const agent = await logIn(app, member);
    const res = await submit(agent, '/structure', '/structure', { structureId: foreign });
    expect(res.status).toBe(403);
  });

  it('blocks an IP after 30 login attempts in 15 minutes', async () => {
    const agent = request.agent(app.getHttpServer());
    const page = await agent.get('/connexion');
    const token = hidden(page.text, '_csrf');
    let status = 0;
    for (let i = 0; i < 31; i++) {
      status = (
        await agent
          .post('/connexion')
          .type('form')
          .send({ _csrf: token, email: `x${i}@example.fr`, password: 'nimporte-quoi' })
      ).status;
    }
    expect(status).toBe(429);
    const redis = await app.get(SessionRedis).connected();
    await redis.del(await redis.keys(`${env.redisPrefix}:login-attempts:*`));
  });

  it('keeps a supervisor role check: a plain aide cannot open the team page', async () => {
    const member = await createMember(app, structureId, 'simple.aidant@example.fr', MembershipRole.Aide);
    const agent = await logIn(app, member);
    await agent.get('/responsable/aidants').set('Accept', 'text/html').expect(403);
  });
});
