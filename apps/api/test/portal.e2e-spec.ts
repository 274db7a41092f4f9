import type { NestExpressApplication } from '@nestjs/platform-express';
import { SessionRedis } from '@relais/auth';
import { DomainException } from '@relais/exceptions';
import { MembershipRole } from '@relais/aides';
import type { PublicService } from '@relais/public-services';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn } from './console-helpers.js';
import {
  delegatedLogin,
  mandateFor,
  PortalVisitor,
  publicService,
  type RunningPortal,
  sessionKey,
  startPortal,
} from './portal-helpers.js';

describe('citizen portal over HTTP, with the identity sandbox as FranceConnect', () => {
  let portal: RunningPortal;
  let sandbox: RunningPortal['sandbox'];
  let app: NestExpressApplication;
  let baseUrl: string;
  let db: DataSource;
  let place: { structureId: string; aideId: string };
  let service: PublicService;

  const visitor = () => new PortalVisitor(baseUrl, sandbox.issuer);
  const journal = (action: string, citizenId: string) =>
    db.query('SELECT actor_type, mandate_id, details FROM audit_outbox WHERE action = $1 AND citizen_id = $2', [
      action,
      citizenId,
    ]);

  beforeAll(async () => {
    portal = await startPortal();
    ({ app, baseUrl, sandbox } = portal);
    db = app.get(DataSource);
    const structureId = await createStructure(app, 'Maison France Services de Belleville');
    const aide = await createMember(app, structureId, 'aidant.portail@example.fr');
    place = { structureId, aideId: aide.aideId };
    service = await publicService(app, 'Impôts (démo)', ['papers', 'money']);
  }, 60_000);

  afterAll(async () => {
    await portal?.close();
  });

  describe('login', () => {
    it('given a citizen with a mandate, when they log in with FranceConnect, then they reach their mandates and it is journaled', async () => {
      const { citizenId } = await mandateFor(app, place, 'jeanne', ['papers']);
      const agent = visitor();

      const callback = await agent.logIn('jeanne');
      expect(callback.status).toBe(303);
      expect(callback.headers.get('location')).toBe('/usager');
      const home = await agent.get('/usager');

      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain('Mandat avec Maison France Services de Belleville');
      expect(html).toContain('Trouver un lieu près de chez vous');
      expect(await journal('citizen.logged_in', citizenId)).toEqual([
        expect.objectContaining({ actor_type: 'citizen', details: { acr: 'eidas1' } }),
      ]);
    }, 30_000);

    it('given a person with no mandate, when they log in, then a plain page says so and where to get help', async () => {
      const agent = visitor();

      const page = await agent.logIn('eloise');

      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Vous n’avez pas de mandat');
      expect(html).toContain('href="/lieux"');
      expect((await agent.get('/usager')).headers.get('location')).toBe('/usager/connexion');
    }, 30_000);

    it('given nobody logged in, when a portal page is asked for, then the login page comes first', async () => {
      const response = await visitor().get('/usager');

      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/usager/connexion');
    });

    it('given a callback without a login started, when it arrives, then it is refused with a page, not a 500', async () => {
      const response = await visitor().get('/usager/connexion/retour?code=x&state=y');

      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Connexion à recommencer');
    });

    it('given a logged-in citizen, when they log out, then FranceConnect is asked to end its session too', async () => {
      await mandateFor(app, place, 'jean-pierre', ['money']);
      const agent = visitor();
      await agent.logIn('jean-pierre');
      const csrf = hidden(await (await agent.get('/usager')).text(), '_csrf');

      const logout = await agent.post('/usager/deconnexion', { _csrf: csrf });

      expect(logout.status).toBe(303);
      const endSession = new URL(logout.headers.get('location')!);
      expect(endSession.origin).toBe(new URL(sandbox.issuer).origin);
      expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
      expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${baseUrl}/usager/au-revoir`);
      expect((await agent.get('/usager')).headers.get('location')).toBe('/usager/connexion');
    }, 30_000);
  });

  describe('expired sessions', () => {
    it('given a session idle for longer than 30 minutes (gone from Redis), when a page is asked for, then login is asked again', async () => {
      await mandateFor(app, place, 'youssef', ['papers']);
      const agent = visitor();
      await agent.logIn('youssef');
      const key = await sessionKey(app, agent.cookie('relais.sid')!);
      const redis = app.get(SessionRedis).client;
      expect(await redis.exists(key)).toBe(1);

      await redis.del(key); // what the 30 minutes TTL does

      const response = await agent.get('/usager');
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/usager/connexion');
    }, 30_000);

    it('given a session logged in more than 12 hours ago, when a page is asked for, then it ends and login is asked again', async () => {
      const agent = visitor();
      await agent.logIn('youssef');
      const key = await sessionKey(app, agent.cookie('relais.sid')!);
      const redis = app.get(SessionRedis).client;
      const session = JSON.parse((await redis.get(key))!);
      await redis.set(key, JSON.stringify({ ...session, loginAt: Date.now() - 12 * 3600 * 1000 - 1000 }), {
        KEEPTTL: true,
      });

      const response = await agent.get('/usager/mandats/00000000-0000-4000-8000-000000000000');

      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/usager/connexion');
      expect(await redis.exists(key)).toBe(0);
    }, 30_000);
  });

  describe('another citizen’s mandate', () => {
    let mine: { mandateId: string; citizenId: string };
    let theirs: { mandateId: string; citizenId: string };
    let agent: PortalVisitor;
    let csrf: string;

    beforeAll(async () => {
      mine = await mandateFor(app, place, 'aminata', ['papers', 'money']);
      theirs = await mandateFor(app, place, 'marie-therese', ['papers', 'money']);
      agent = visitor();
      await agent.logIn('aminata');
      csrf = hidden(await (await agent.get('/usager')).text(), '_csrf');
    }, 30_000);

    it.each([
      ['its page', () => `/usager/mandats/${theirs.mandateId}`],
      ['its stop confirmation', () => `/usager/mandats/${theirs.mandateId}/arret`],
    ])(
      'given another citizen’s mandate id in the URL, when %s is asked for, then it is not found',
      async (_name, path) => {
        const response = await agent.get(path());

        expect(response.status).toBe(404);
        expect(await response.text()).toContain('Mandat introuvable');
      },
    );

    it('given another citizen’s attestation id with my mandate id, when it is downloaded, then it is not found', async () => {
      const [attestation] = await db.query('SELECT id FROM attestations WHERE mandate_id = $1', [theirs.mandateId]);

      const mixed = await agent.get(`/usager/mandats/${mine.mandateId}/attestations/${attestation.id}`);
      const theirsDirect = await agent.get(`/usager/mandats/${theirs.mandateId}/attestations/${attestation.id}`);

      expect(mixed.status).toBe(404);
      expect(theirsDirect.status).toBe(404);
    });

    it('given an attestation whose PDF the retention job removed, when it is downloaded, then a French page says it is gone', async () => {
      const [attestation] = await db.query('SELECT id, pdf FROM attestations WHERE mandate_id = $1', [mine.mandateId]);
      await db.query('UPDATE attestations SET pdf = NULL WHERE id = $1', [attestation.id]);
      try {
        const response = await agent.get(`/usager/mandats/${mine.mandateId}/attestations/${attestation.id}`);

        expect(response.status).toBe(410);
        expect(await response.text()).toContain('Attestation supprimée');
      } finally {
        await db.query('UPDATE attestations SET pdf = $2 WHERE id = $1', [attestation.id, attestation.pdf]);
      }
    });

    it('given another citizen’s mandate id in the stop form, when it is posted, then it is not found and nothing stops', async () => {
      const response = await agent.post(`/usager/mandats/${theirs.mandateId}/arret`, { _csrf: csrf, area: 'papers' });

      expect(response.status).toBe(404);
      const [row] = await db.query('SELECT status FROM mandates WHERE id = $1', [theirs.mandateId]);
      expect(row.status).toBe('active');
      expect(
        await db.query('SELECT 1 FROM mandate_procedures WHERE mandate_id = $1 AND NOT in_force', [theirs.mandateId]),
      ).toEqual([]);
    });

    it('given an area my mandate does not cover, when its stop is asked for, then it is not found', async () => {
      const response = await agent.get(`/usager/mandats/${mine.mandateId}/arret?demarche=housing`);

      expect(response.status).toBe(404);
    });

    it('given a stop form without the CSRF token, when it is posted, then it is refused', async () => {
      const response = await agent.post(`/usager/mandats/${mine.mandateId}/arret`, { area: 'papers' });

      expect(response.status).toBe(403);
    });
  });

  describe('uses and stopping', () => {
    let mandate: { mandateId: string; citizenId: string };
    let agent: PortalVisitor;

    beforeAll(async () => {
      const structureId = await createStructure(app, 'Mairie de Lille');
      const aide = await createMember(app, structureId, 'aidant.mairie@example.fr');
      await db.query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
      place = { structureId, aideId: aide.aideId };
      mandate = await mandateFor(app, place, 'youssef', ['papers', 'money']);
      agent = visitor();
      await agent.logIn('youssef');
    }, 30_000);

    it('given delegated logins, when the mandate page is read, then each use is listed newest first with the service, area, aide and structure, and the view is journaled', async () => {
      await delegatedLogin(app, place, service, { citizenId: mandate.citizenId, area: 'papers' });
      await delegatedLogin(app, place, service, { citizenId: mandate.citizenId, area: 'money' });

      const html = await (await agent.get(`/usager/mandats/${mandate.mandateId}`)).text();

      expect(html).toContain('2 connexions');
      const uses = [...html.matchAll(/<li class="fr-mb-2w">([\s\S]*?)<\/li>/g)].map((use) =>
        use[1]
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
      expect(uses).toEqual([
        expect.stringMatching(
          /^Le .+, Camille Martin \(Mairie de Lille\) s’est connecté pour vous à Impôts \(démo\), pour la démarche Argent \(impôts, banques\)\.$/,
        ),
        expect.stringMatching(/pour la démarche Papiers et citoyenneté\.$/),
      ]);
      expect(await journal('citizen.history_viewed', mandate.citizenId)).toEqual([
        expect.objectContaining({ actor_type: 'citizen', mandate_id: mandate.mandateId, details: { page: 1 } }),
      ]);
    }, 30_000);

    it('given a page number past the end, when the history is read, then it says page N of 1 without failing', async () => {
      const response = await agent.get(`/usager/mandats/${mandate.mandateId}?page=9`);

      expect(response.status).toBe(200);
      expect(await response.text()).toContain('2 connexions');
    });

    it('given an area in force, when the citizen stops it, then a new delegated login for it is refused at once and the attestation is offered', async () => {
      const confirm = await agent.get(`/usager/mandats/${mandate.mandateId}/arret?demarche=money`);
      const confirmHtml = await confirm.text();
      expect(confirmHtml).toContain('Arrêter la démarche Argent (impôts, banques) ?');
      expect(confirmHtml).toContain('Les autres démarches continuent : Papiers et citoyenneté.');

      const done = await agent.post(`/usager/mandats/${mandate.mandateId}/arret`, {
        _csrf: hidden(confirmHtml, '_csrf'),
        area: 'money',
      });

      expect(done.status).toBe(200);
      const html = await done.text();
      expect(html).toContain('C’est fait : c’est arrêté');
      const attestation = /href="(\/usager\/mandats\/[\w-]+\/attestations\/[\w-]+)"/.exec(html)![1];
      const pdf = await agent.get(attestation);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      await expect(
        delegatedLogin(app, place, service, { citizenId: mandate.citizenId, area: 'money' }),
      ).rejects.toBeInstanceOf(DomainException);
      const [revoked] = await journal('mandate.area_revoked', mandate.citizenId);
      expect(revoked).toEqual(
        expect.objectContaining({ actor_type: 'citizen', details: { areas: ['money'], remaining: ['papers'] } }),
      );
      const [ended] = await db.query(
        'SELECT count(*)::int AS n FROM delegations WHERE mandate_id = $1 AND area = $2 AND ended_at IS NOT NULL',
        [mandate.mandateId, 'money'],
      );
      expect(ended.n).toBe(1);
    }, 30_000);

    it('given an area already stopped, when it is stopped again, then it is harmless and says it is already done', async () => {
      const csrf = hidden(await (await agent.get('/usager')).text(), '_csrf');

      const again = await agent.post(`/usager/mandats/${mandate.mandateId}/arret`, { _csrf: csrf, area: 'money' });

      expect(again.status).toBe(200);
      expect(await again.text()).toContain('C’est déjà fait');
      expect(await journal('mandate.area_revoked', mandate.citizenId)).toHaveLength(1);
    });

    it('given a citizen stopped an area, when the structure’s supervisor opens their home page, then a notice lists it', async () => {
      const supervisor = await createMember(
        app,
        place.structureId,
        'responsable.mairie@example.fr',
        MembershipRole.Supervisor,
      );
      const aide = await createMember(app, place.structureId, 'aidant2.mairie@example.fr');

      const supervisorHome = (await (await logIn(app, supervisor)).get('/espace').expect(200)).text;
      const aideHome = (await (await logIn(app, aide)).get('/espace').expect(200)).text;

      expect(supervisorHome).toContain('Mandats arrêtés par les usagers ces 30 derniers jours');
      expect(supervisorHome).toContain(`href="/mandats/${mandate.mandateId}"`);
      expect(supervisorHome).toContain('a arrêté la démarche Argent (impôts, banques).');
      expect(aideHome).not.toContain('Mandats arrêtés par les usagers');
    }, 30_000);

    it('given the whole mandate, when the citizen stops it twice, then it ends once and the second time says it is already done', async () => {
      const csrf = hidden(await (await agent.get('/usager')).text(), '_csrf');

      const first = await agent.post(`/usager/mandats/${mandate.mandateId}/arret`, { _csrf: csrf });
      const second = await agent.post(`/usager/mandats/${mandate.mandateId}/arret`, { _csrf: csrf });

      expect(await first.text()).toContain('C’est fait : c’est arrêté');
      expect(await second.text()).toContain('C’est déjà fait');
      const [row] = await db.query('SELECT status FROM mandates WHERE id = $1', [mandate.mandateId]);
      expect(row.status).toBe('revoked');
      expect(await journal('mandate.revoked', mandate.citizenId)).toHaveLength(1);
    });
  });
});
