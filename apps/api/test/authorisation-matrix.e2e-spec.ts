import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate } from './delegation-helpers.js';

type Agent = ReturnType<typeof request.agent>;
type Who =
  | 'anonymous'
  | 'aide'
  | 'untrained aide'
  | 'supervisor'
  | 'supervisor of another structure'
  | 'deactivated aide'
  | 'operator';

/**
 * Every console route against every kind of visitor. The operator is an aide of Structure A
 * granted the operator flag (CLI): the operator pages need that flag, not a role.
 * Expected status codes are for API-style requests (Accept: application/json); browsers get the
 * same decisions as redirects or French pages.
 */
describe('authorisation matrix of the console', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let target: TestMember;
  const agents = new Map<Who, Agent>();
  let homeStructure: string;
  let mandateId: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    homeStructure = await createStructure(app, 'Structure A');
    const otherStructure = await createStructure(app, 'Structure B');
    target = await createMember(app, homeStructure, 'cible@example.fr');
    const people: [Who, () => Promise<TestMember>][] = [
      ['aide', () => createMember(app, homeStructure, 'aide@example.fr')],
      ['untrained aide', () => createMember(app, homeStructure, 'nonforme@example.fr', MembershipRole.Aide, false)],
      ['supervisor', () => createMember(app, homeStructure, 'resp@example.fr', MembershipRole.Supervisor)],
      [
        'supervisor of another structure',
        () => createMember(app, otherStructure, 'autre.resp@example.fr', MembershipRole.Supervisor),
      ],
      ['deactivated aide', () => createMember(app, homeStructure, 'parti@example.fr')],
      ['operator', () => createMember(app, homeStructure, 'exploitation@example.fr')],
    ];
    agents.set('anonymous', request.agent(app.getHttpServer()));
    for (const [who, create] of people) agents.set(who, await logIn(app, await create()));
    await app.get(DataSource).query(`UPDATE aides SET active = false WHERE email = 'parti@example.fr'`);
    await app.get(DataSource).query(`UPDATE aides SET operator = true WHERE email = 'exploitation@example.fr'`);
    ({ mandateId } = await consentedMandate(app, homeStructure, target.aideId, ['papers'], {
      givenName: 'Jeanne',
      familyName: 'Martin',
    }));
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await env.dispose();
  });

  /** A CSRF token valid for this agent's session (from a public page carrying a form). */
  async function token(agent: Agent): Promise<string> {
    return hidden((await agent.get('/connexion')).text, '_csrf');
  }

  /** POSTs a form; the CSRF token is fetched first, since the request takes the session cookie when created. */
  async function post(agent: Agent, path: string, fields: Record<string, string> = {}): Promise<number> {
    const csrf = await token(agent);
    return (
      await agent
        .post(path)
        .set('Accept', 'application/json')
        .type('form')
        .send({ _csrf: csrf, ...fields })
    ).status;
  }
  const get = async (agent: Agent, path: string) => (await agent.get(path).set('Accept', 'application/json')).status;

  const routes: Record<string, (agent: Agent) => Promise<number>> = {
    'GET /espace': (agent) => get(agent, '/espace'),
    'GET /responsable/aidants': (agent) => get(agent, '/responsable/aidants'),
    'POST /responsable/aidants/invitation': (agent) =>
      post(agent, '/responsable/aidants/invitation', {
        email: `nouveau.${Math.random().toString(36).slice(2)}@example.fr`,
        role: 'aide',
      }),
    'POST /responsable/aidants/:target/formation': (agent) =>
      post(agent, `/responsable/aidants/${target.aideId}/formation`),
    'POST /structure (Structure A)': (agent) => post(agent, '/structure', { structureId: homeStructure }),
    'GET /mandats': (agent) => get(agent, '/mandats'),
    'GET /mandats/nouveau': (agent) => get(agent, '/mandats/nouveau'),
    'GET /mandats/:mandate (Structure A)': (agent) => get(agent, `/mandats/${mandateId}`),
    'GET /operateur/services-publics': (agent) => get(agent, '/operateur/services-publics'),
    'GET /operateur/traductions': (agent) => get(agent, '/operateur/traductions'),
    'GET /responsable/import-aidants': (agent) => get(agent, '/responsable/import-aidants'),
    'GET /operateur/demandes': (agent) => get(agent, '/operateur/demandes'),
    'GET /operateur/import-aidants': (agent) => get(agent, '/operateur/import-aidants'),
    'GET /rejoindre': (agent) => get(agent, '/rejoindre'),
    'GET /rapports': (agent) => get(agent, '/rapports'),
    'GET /operateur/rapports': (agent) => get(agent, '/operateur/rapports'),
  };

  // allowed: 200 page, 201 rendered after POST, 303 redirect after a successful action
  const expected: Record<Who, Record<keyof typeof routes, number>> = {
    anonymous: {
      'GET /espace': 401,
      'GET /responsable/aidants': 401,
      'POST /responsable/aidants/invitation': 401,
      'POST /responsable/aidants/:target/formation': 401,
      'POST /structure (Structure A)': 401,
      'GET /mandats': 401,
      'GET /mandats/nouveau': 401,
      'GET /mandats/:mandate (Structure A)': 401,
      'GET /operateur/services-publics': 401,
      'GET /operateur/traductions': 401,
      'GET /responsable/import-aidants': 401,
      'GET /operateur/demandes': 401,
      'GET /operateur/import-aidants': 401,
      'GET /rejoindre': 200,
      'GET /rapports': 401,
      'GET /operateur/rapports': 401,
    },
    aide: {
      'GET /espace': 200,
      'GET /responsable/aidants': 403,
      'POST /responsable/aidants/invitation': 403,
      'POST /responsable/aidants/:target/formation': 403,
      'POST /structure (Structure A)': 303,
      'GET /mandats': 200,
      'GET /mandats/nouveau': 200,
      'GET /mandats/:mandate (Structure A)': 200,
      'GET /operateur/services-publics': 403,
      'GET /operateur/traductions': 403,
      'GET /responsable/import-aidants': 403,
      'GET /operateur/demandes': 403,
      'GET /operateur/import-aidants': 403,
      'GET /rejoindre': 200,
      'GET /rapports': 200,
      'GET /operateur/rapports': 403,
    },
    'untrained aide': {
      'GET /espace': 200,
      'GET /responsable/aidants': 403,
      'POST /responsable/aidants/invitation': 403,
      'POST /responsable/aidants/:target/formation': 403,
      'POST /structure (Structure A)': 303,
      'GET /mandats': 200,
      'GET /mandats/nouveau': 403,
      'GET /mandats/:mandate (Structure A)': 200,
      'GET /operateur/services-publics': 403,
      'GET /operateur/traductions': 403,
      'GET /responsable/import-aidants': 403,
      'GET /operateur/demandes': 403,
      'GET /operateur/import-aidants': 403,
      'GET /rejoindre': 200,
      'GET /rapports': 200,
      'GET /operateur/rapports': 403,
    },
    supervisor: {
      'GET /espace': 200,
      'GET /responsable/aidants': 200,
      'POST /responsable/aidants/invitation': 201,
      'POST /responsable/aidants/:target/formation': 303,
      'POST /structure (Structure A)': 303,
      'GET /mandats': 200,
      'GET /mandats/nouveau': 200,
      'GET /mandats/:mandate (Structure A)': 200,
      'GET /operateur/services-publics': 403,
      'GET /operateur/traductions': 403,
      'GET /responsable/import-aidants': 200,
      'GET /operateur/demandes': 403,
      'GET /operateur/import-aidants': 403,
      'GET /rejoindre': 200,
      'GET /rapports': 200,
      'GET /operateur/rapports': 403,
    },
    'supervisor of another structure': {
      'GET /espace': 200,
      'GET /responsable/aidants': 200,
      'POST /responsable/aidants/invitation': 201,
      'POST /responsable/aidants/:target/formation': 404,
      'POST /structure (Structure A)': 403,
      'GET /mandats': 200,
      'GET /mandats/nouveau': 200,
      'GET /mandats/:mandate (Structure A)': 404,
      'GET /operateur/services-publics': 403,
      'GET /operateur/traductions': 403,
      'GET /responsable/import-aidants': 200,
      'GET /operateur/demandes': 403,
      'GET /operateur/import-aidants': 403,
      'GET /rejoindre': 200,
      'GET /rapports': 200,
      'GET /operateur/rapports': 403,
    },
    'deactivated aide': {
      'GET /espace': 401,
      'GET /responsable/aidants': 401,
      'POST /responsable/aidants/invitation': 401,
      'POST /responsable/aidants/:target/formation': 401,
      'POST /structure (Structure A)': 401,
      'GET /mandats': 401,
      'GET /mandats/nouveau': 401,
      'GET /mandats/:mandate (Structure A)': 401,
      'GET /operateur/services-publics': 401,
      'GET /operateur/traductions': 401,
      'GET /responsable/import-aidants': 401,
      'GET /operateur/demandes': 401,
      'GET /operateur/import-aidants': 401,
      'GET /rejoindre': 200,
      'GET /rapports': 401,
      'GET /operateur/rapports': 401,
    },
    operator: {
      'GET /espace': 200,
      'GET /responsable/aidants': 403,
      'POST /responsable/aidants/invitation': 403,
      'POST /responsable/aidants/:target/formation': 403,
      'POST /structure (Structure A)': 303,
      'GET /mandats': 200,
      'GET /mandats/nouveau': 200,
      'GET /mandats/:mandate (Structure A)': 200,
      'GET /operateur/services-publics': 200,
      'GET /operateur/traductions': 200,
      'GET /responsable/import-aidants': 403,
      'GET /operateur/demandes': 200,
      'GET /operateur/import-aidants': 200,
      'GET /rejoindre': 200,
      'GET /rapports': 200,
      'GET /operateur/rapports': 200,
    },
  };

  const cases = Object.entries(expected).flatMap(([who, byRoute]) =>
    Object.entries(byRoute).map(([route, status]) => [who as Who, route, status] as const),
  );

  it.each(cases)('%s → %s answers %i', async (who, route, status) => {
    expect(await routes[route](agents.get(who)!)).toBe(status);
  });

  it('never shows another structure’s people on the team page', async () => {
    const page = await agents.get('supervisor of another structure')!.get('/responsable/aidants').expect(200);
    expect(page.text).not.toContain('cible@example.fr');
    expect(page.text).toContain('autre.resp@example.fr');
  });
});
