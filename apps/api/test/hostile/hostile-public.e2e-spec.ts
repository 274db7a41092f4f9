import type { NestExpressApplication } from '@nestjs/platform-express';
import { NotificationSender } from '@relais/aides';
import { SESSION_COOKIE, SessionRedis } from '@relais/auth';
import { StructureRequestsService } from '@relais/onboarding';
import { CitizenUserAgent, testSiret } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, type TestMember } from '../console-helpers.js';
import { mandateFor, PortalVisitor, publicService, type RunningPortal, startPortal } from '../portal-helpers.js';
import { authorizationRequest, relyingParty } from '../provider-flow.js';
import { registerService } from '../delegation-helpers.js';
import {
  agentClient,
  assertHostileRoute,
  fetchClient,
  type HostileClient,
  type HostileRoute,
  printTallies,
} from './hostile-harness.js';
import { HOSTILE_RUNS } from './hostile-runs.js';

type Agent = ReturnType<typeof request.agent>;

const REDIRECT_URI = 'https://service.example.fr/callback';

/**
 * Hostile input on the public pages (places, joining, audit checkpoints), the citizen's consent,
 * the delegated login's pages and the citizen portal, through the real app with the identity
 * sandbox as FranceConnect and the OpenID provider of Relais.
 */
describe('hostile input on the public, consent, delegation and portal pages (fast-check)', () => {
  let portal: RunningPortal;
  let app: NestExpressApplication;
  let db: DataSource;
  let aide: TestMember;
  let structureId: string;
  let citizenId: string;
  let portalMandateId: string;
  let anonymous: { agent: Agent; csrf: string };
  let consent: { agent: Agent; csrf: string };
  let delegation: { agent: Agent; csrf: string; uid: string };
  let citizen: { visitor: PortalVisitor; csrf: string };
  let requestToken: string;
  const applicantEmail = 'applicant.hostile@example.fr';

  async function forgetLoginAttempts(): Promise<void> {
    const redis = await app.get(SessionRedis).connected();
    const keys = await redis.keys(`${app.get(SessionRedis).prefix}login-attempts:*`);
    if (keys.length > 0) await redis.del(keys);
  }

  /** The newest link of the applicant's emails (each use of a link sends a new one). */
  async function latestRequestToken(): Promise<string> {
    const mails = await app.get(NotificationSender).pendingFor(applicantEmail);
    const tokens = mails.flatMap((mail) => [...mail.text.matchAll(/\/rejoindre\/demande\/([A-Za-z0-9_-]{43})/g)]);
    return tokens.at(-1)?.[1] ?? requestToken;
  }

  /** Same-device mandate request by the aide, then the citizen identifies with the sandbox: the consent page. */
  async function identifiedCitizen(): Promise<{ agent: Agent; csrf: string }> {
    const agent = await logIn(app, aide);
    const form = await agent.get('/mandats/nouveau').expect(200);
    const created = await agent
      .post('/mandats')
      .type('form')
      .send({ _csrf: hidden(form.text, '_csrf'), areas: 'papers', duration: 'six_months', channel: 'same_device' })
      .expect(303);
    await agent.get(created.headers.location).expect(200);
    const start = await agent.get('/consentement/franceconnect').expect(303);
    const callback = await new CitizenUserAgent(new URL(portal.sandbox.issuer).origin).authorize(
      new URL(start.headers.location),
      'marie-therese',
    );
    await agent.get(callback.pathname + callback.search).expect(303);
    const page = await agent.get('/consentement').expect(200);
    return { agent, csrf: hidden(page.text, '_csrf') };
  }

  /** A public service asks Relais for a delegated login; the logged-in aide lands on the picker. */
  async function delegationInteraction(): Promise<{ agent: Agent; csrf: string; uid: string }> {
    const credentials = await registerService(app, 'Impôts hostile', ['papers', 'money'], REDIRECT_URI);
    const config = await relyingParty(portal.baseUrl, credentials);
    const { url } = await authorizationRequest(config, REDIRECT_URI);
    const agent = await logIn(app, aide);
    const authorize = await agent.get(url.pathname + url.search).expect(303);
    const path = authorize.headers.location as string;
    const page = await agent.get(path).expect(200);
    return { agent, csrf: hidden(page.text, '_csrf'), uid: path.split('/').at(-1)! };
  }

  beforeAll(async () => {
    portal = await startPortal();
    app = portal.app;
    db = app.get(DataSource);
    structureId = await createStructure(app, 'Maison France Services Hostile');
    aide = await createMember(app, structureId, 'aidant.public.hostile@example.fr');
    ({ citizenId, mandateId: portalMandateId } = await mandateFor(app, { structureId, aideId: aide.aideId }, 'jeanne', [
      'papers',
      'money',
    ]));
    await publicService(app, 'Caf hostile', ['papers']);
    anonymous = { agent: request.agent(app.getHttpServer()), csrf: '' };
    anonymous.csrf = hidden((await anonymous.agent.get('/rejoindre').expect(200)).text, '_csrf');
    consent = await identifiedCitizen();
    delegation = await delegationInteraction();
    const visitor = new PortalVisitor(portal.baseUrl, portal.sandbox.issuer);
    await visitor.logIn('jeanne');
    citizen = { visitor, csrf: hidden(await (await visitor.get('/usager')).text(), '_csrf') };
    await app.get(StructureRequestsService).create(
      {
        siret: testSiret(),
        name: 'Médiathèque',
        address: '8 rue Sorbier, 75020 Paris',
        supervisorEmail: applicantEmail,
      },
      { submit: false },
    );
    requestToken = await latestRequestToken();
  }, 120_000);

  afterAll(async () => {
    printTallies('hostile-public.e2e-spec.ts');
    await portal?.close();
  });

  const anonymousForm = {
    client: (): HostileClient => agentClient(anonymous.agent),
    csrf: () => anonymous.csrf,
    beforeEach: () => forgetLoginAttempts(),
  };
  const citizenClient = {
    client: (): HostileClient =>
      fetchClient(portal.baseUrl, () => `${SESSION_COOKIE}=${citizen.visitor.cookie(SESSION_COOKIE)}`),
    csrf: () => citizen.csrf,
  };
  const joinFields = {
    siret: '732 829 320 00074',
    name: 'Médiathèque de Ménilmontant',
    address: '8 rue Sorbier, 75020 Paris',
    type: 'association',
    areas: ['papers'],
    supervisorGivenName: 'Awa',
    supervisorFamilyName: 'Diallo',
    supervisorEmail: 'awa.public.hostile@example.fr',
    plannedAides: 'Léa ; Martin ; lea.martin@example.fr ; oui',
    intent: 'draft',
  };

  const routes = (): HostileRoute[] => [
    {
      dto: 'PlaceSearchQuery',
      method: 'GET',
      path: '/lieux',
      client: () => agentClient(anonymous.agent),
      valid: { q: '75020' },
      required: [],
    },
    {
      dto: 'CheckpointsQuery',
      method: 'GET',
      path: '/audit/checkpoints',
      client: () => agentClient(anonymous.agent, 'application/json'),
      valid: { after: '0' },
      required: [],
    },
    {
      dto: 'StructureRequestForm',
      method: 'POST',
      path: '/rejoindre',
      ...anonymousForm,
      valid: joinFields,
      required: [],
    },
    {
      dto: 'StructureRequestForm',
      method: 'POST',
      path: (token) => `/rejoindre/demande/${token}`,
      param: () => requestToken,
      ...anonymousForm,
      valid: { ...joinFields, supervisorEmail: applicantEmail },
      required: [],
      // A valid amendment uses the link up and sends a new one.
      afterAccepted: async () => {
        requestToken = await latestRequestToken();
      },
    },
    {
      dto: 'FormDto',
      method: 'POST',
      path: (token) => `/rejoindre/demande/${token}/retrait`,
      param: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ...anonymousForm,
      valid: {},
    },
    {
      dto: 'NewLinkForm',
      method: 'POST',
      path: '/rejoindre/nouveau-lien',
      ...anonymousForm,
      valid: { siret: '732 829 320 00074', supervisorEmail: 'personne@example.fr' },
    },
    {
      dto: 'ConsentForm',
      method: 'POST',
      path: '/consentement',
      client: () => agentClient(consent.agent),
      csrf: () => consent.csrf,
      // An outdated text: refused with the page again (409), the journey goes on.
      valid: { decision: 'accepter', version: '1999-01-v1', digest: 'perime' },
      required: ['decision', 'version', 'digest'],
    },
    {
      dto: 'DelegationSearchQuery',
      method: 'GET',
      path: (uid) => `/delegation/${uid}`,
      param: () => delegation.uid,
      client: () => agentClient(delegation.agent),
      valid: { nom: 'Martin', naissance: '1970-01-01' },
      required: [],
    },
    {
      dto: 'DelegationChoiceForm',
      method: 'POST',
      path: (uid) => `/delegation/${uid}/confirmation`,
      param: () => delegation.uid,
      client: () => agentClient(delegation.agent),
      csrf: () => delegation.csrf,
      // Someone the aide has no mandate for: refused, and the refusal is journaled.
      valid: { citoyen: '00000000-0000-4000-8000-000000000000', demarche: 'papers' },
      countsFailuresIn: ['audit_outbox', 'delegations'],
    },
    {
      dto: 'UsesQuery',
      method: 'GET',
      path: (id) => `/usager/mandats/${id}`,
      param: () => portalMandateId,
      ...citizenClient,
      valid: { page: '1' },
      required: [],
    },
    {
      dto: 'StopQuery',
      method: 'GET',
      path: (id) => `/usager/mandats/${id}/arret`,
      param: () => portalMandateId,
      ...citizenClient,
      valid: { demarche: 'money' },
      required: [],
    },
    {
      dto: 'StopForm',
      method: 'POST',
      path: (id) => `/usager/mandats/${id}/arret`,
      param: () => '00000000-0000-4000-8000-000000000000',
      ...citizenClient,
      // Another person's (unknown) mandate: refused whatever the area.
      valid: { area: 'papers' },
      required: [],
    },
  ];

  it.each([
    'PlaceSearchQuery',
    'CheckpointsQuery',
    'StructureRequestForm',
    'FormDto',
    'NewLinkForm',
    'ConsentForm',
    'DelegationSearchQuery',
    'DelegationChoiceForm',
    'UsesQuery',
    'StopQuery',
    'StopForm',
  ])(
    'given hostile %s inputs, when sent to each route taking them, then every answer is a safe 4xx or a safe acceptance',
    async (dto) => {
      const taking = routes().filter((route) => route.dto === dto);
      for (const route of taking) await assertHostileRoute(route, db, HOSTILE_RUNS);
      expect(taking.length).toBeGreaterThan(0);
    },
    300_000,
  );

  /** Public routes that read a path parameter or a query value without a DTO. */
  const routesWithoutDto = (): HostileRoute[] => {
    const anonymousGet = (
      label: string,
      path: (param: string) => string,
      param: string,
      valid: Record<string, string> = {},
    ): HostileRoute => ({
      dto: `(no DTO) GET ${label}`,
      method: 'GET',
      path,
      param,
      client: () => agentClient(anonymous.agent),
      valid,
      required: [],
      withoutDto: true,
    });
    return [
      anonymousGet('/verify/:code', (code) => `/verify/${code}`, 'ABCD-EFGH-JKLM'),
      anonymousGet('/verify', () => '/verify', 'x', { code: 'ABCD-EFGH-JKLM' }),
      anonymousGet('/rejoindre/demande/:token', (token) => `/rejoindre/demande/${token}`, 'A'.repeat(43)),
      anonymousGet('/consentement/lien/:token', (token) => `/consentement/lien/${token}`, 'A'.repeat(43)),
      {
        dto: '(no DTO) GET /delegation/:uid/confirmation',
        method: 'GET',
        path: (uid) => `/delegation/${uid}/confirmation`,
        param: () => delegation.uid,
        client: () => agentClient(delegation.agent),
        valid: { citoyen: citizenId, demarche: 'papers' },
        required: [],
        withoutDto: true,
      },
      {
        dto: '(no DTO) GET /usager/mandats/:id/attestations/:attestationId',
        method: 'GET',
        path: (id) => `/usager/mandats/${portalMandateId}/attestations/${id}`,
        param: '00000000-0000-4000-8000-000000000000',
        ...citizenClient,
        valid: {},
        required: [],
        withoutDto: true,
      },
    ];
  };

  it('given hostile path parameters and query values on the public routes without a DTO, then every answer is a safe 4xx or a safe page', async () => {
    for (const route of routesWithoutDto()) await assertHostileRoute(route, db, Math.ceil(HOSTILE_RUNS / 2));
    expect(routesWithoutDto()).toHaveLength(6);
  }, 300_000);

  it('given the citizen still logged in after every hostile case, then the portal still answers her (no case broke the session)', async () => {
    const home = await citizen.visitor.get('/usager');
    expect(home.status).toBe(200);
    expect(citizenId).toBeTruthy();
  });
});
