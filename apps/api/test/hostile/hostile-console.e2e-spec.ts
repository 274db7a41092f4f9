import type { NestExpressApplication } from '@nestjs/platform-express';
import { InvitationsService, MembershipRole } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { SessionRedis } from '@relais/auth';
import { StructureRequestsService } from '@relais/onboarding';
import { createTestEnvironment, type TestEnvironment, testSiret } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import {
  createMember,
  createStructure,
  hidden,
  logIn,
  PASSWORD,
  startConsole,
  type TestMember,
} from '../console-helpers.js';
import { consentedMandate, registerService } from '../delegation-helpers.js';
import {
  agentClient,
  assertHostileRoute,
  type HostileClient,
  type HostileRoute,
  printTallies,
} from './hostile-harness.js';
import { HOSTILE_RUNS } from './hostile-runs.js';

type Agent = ReturnType<typeof request.agent>;

/**
 * Hostile input on every console DTO (aide, supervisor, operator, login pages), through the real
 * app on PostgreSQL and Redis: never a 500, a stack trace, a raw reflected value, or a stored record
 * for a refused input.
 */
describe('hostile input on the console forms and queries (fast-check)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureId: string;
  let aide: TestMember;
  let supervisor: TestMember;
  let operator: TestMember;
  let codeUser: TestMember;
  let stepUpUser: TestMember;
  let enrolee: TestMember;
  const sessions: Record<
    'aide' | 'supervisor' | 'operator' | 'anonymous' | 'pendingCode' | 'pendingEnrolment' | 'stepUp' | 'leaving',
    { agent: Agent; csrf: string }
  > = {} as never;
  let mandateId: string;
  let requestId: string;
  let clientId: string;
  let invitationToken: string;

  /** The login pages count attempts per IP: forgotten before each case, so the DTO answers, not the limit. */
  async function forgetLoginAttempts(): Promise<void> {
    const redis = await app.get(SessionRedis).connected();
    const keys = await redis.keys(`${app.get(SessionRedis).prefix}login-attempts:*`);
    if (keys.length > 0) await redis.del(keys);
  }

  async function session(member: TestMember | null, page: string): Promise<{ agent: Agent; csrf: string }> {
    const agent = member ? await logIn(app, member) : request.agent(app.getHttpServer());
    const html = await agent.get(page);
    return { agent, csrf: hidden(html.text, '_csrf') };
  }

  /** A session between the password and the code (or the enrolment of a new code generator). */
  async function pendingSession(member: TestMember, page: string): Promise<{ agent: Agent; csrf: string }> {
    const { agent, csrf } = await session(null, '/connexion');
    await agent
      .post('/connexion')
      .type('form')
      .send({ _csrf: csrf, email: member.email, password: PASSWORD })
      .expect(303);
    const html = await agent.get(page).expect(200);
    return { agent, csrf: hidden(html.text, '_csrf') };
  }

  /** Wrong codes are counted and lock the account: forgotten before each case (with the IP's attempts). */
  async function forgetFailures(): Promise<void> {
    await forgetLoginAttempts();
    await db.query('UPDATE aides SET failed_logins = 0, locked_until = NULL WHERE id = ANY($1)', [
      [codeUser.aideId, stepUpUser.aideId, enrolee.aideId],
    ]);
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app, 'France Services Hostile');
    aide = await createMember(app, structureId, 'aidant.hostile@example.fr');
    supervisor = await createMember(app, structureId, 'responsable.hostile@example.fr', MembershipRole.Supervisor);
    operator = await createMember(app, structureId, 'exploitation.hostile@example.fr');
    await db.query('UPDATE aides SET operator = true WHERE id = $1', [operator.aideId]);
    sessions.aide = await session(aide, '/mandats/nouveau');
    sessions.supervisor = await session(supervisor, '/responsable/aidants');
    sessions.operator = await session(operator, '/operateur/demandes');
    sessions.anonymous = await session(null, '/connexion');
    sessions.leaving = await session(aide, '/espace');
    codeUser = await createMember(app, structureId, 'code.hostile@example.fr');
    stepUpUser = await createMember(app, structureId, 'confirmation.hostile@example.fr');
    enrolee = await createMember(app, structureId, 'enrolement.hostile@example.fr');
    await db.query('UPDATE aides SET totp_secret = NULL WHERE id = $1', [enrolee.aideId]);
    sessions.pendingCode = await pendingSession(codeUser, '/connexion/code');
    sessions.pendingEnrolment = await pendingSession(enrolee, '/connexion/enrolement');
    sessions.stepUp = await session(stepUpUser, '/connexion/confirmation');
    ({ mandateId } = await consentedMandate(app, structureId, aide.aideId, ['papers', 'money'], {
      givenName: 'Jeanne',
      familyName: 'Hostile',
    }));
    const structureRequest = await app.get(StructureRequestsService).create(
      {
        siret: testSiret(),
        name: 'Médiathèque',
        address: '8 rue Sorbier, 75020 Paris',
        type: 'association',
        areas: ['papers'],
        supervisorGivenName: 'Awa',
        supervisorFamilyName: 'Diallo',
        supervisorEmail: 'awa.hostile@example.fr',
        plannedAides: '',
      },
      { submit: true },
    );
    requestId = structureRequest.id;
    ({ clientId } = await registerService(app, 'Impôts hostile', ['papers'], 'https://service.example.fr/callback'));
    const invited = await app
      .get(InvitationsService)
      .invite(
        { structureId, email: 'invitee.hostile@example.fr', role: MembershipRole.Aide },
        { type: AuditActorType.Operator },
      );
    invitationToken = invited.link!.split('/invitation/')[1];
  }, 120_000);

  afterAll(async () => {
    printTallies('hostile-console.e2e-spec.ts');
    await app?.close();
    await env?.dispose();
  });

  const as = (who: keyof typeof sessions) => ({
    client: (): HostileClient => agentClient(sessions[who].agent),
    csrf: () => sessions[who].csrf,
  });
  const loginPage = { beforeEach: () => forgetLoginAttempts() };
  const codePage = { beforeEach: () => forgetFailures(), countsFailuresIn: ['aides', 'audit_outbox'] };

  const routes = (): HostileRoute[] => [
    // Login pages
    {
      dto: 'LoginForm',
      method: 'POST',
      path: '/connexion',
      ...as('anonymous'),
      ...loginPage,
      valid: { email: 'personne.inconnue@example.fr', password: 'Mauvais-Mot-De-Passe-1' },
    },
    {
      dto: 'CodeForm',
      method: 'POST',
      path: '/connexion/code',
      ...as('pendingCode'),
      ...codePage,
      valid: { code: 'abcdef' },
    },
    {
      dto: 'CodeForm',
      method: 'POST',
      path: '/connexion/confirmation',
      ...as('stepUp'),
      ...codePage,
      valid: { code: 'abcdef' },
    },
    {
      dto: 'EnrolmentForm',
      method: 'POST',
      path: '/connexion/enrolement',
      ...as('pendingEnrolment'),
      ...codePage,
      valid: { code: '123456', enrolment: 'sealed' },
    },
    {
      dto: 'AccountSetupForm',
      method: 'POST',
      path: (token) => `/invitation/${token}`,
      param: invitationToken,
      ...as('anonymous'),
      ...loginPage,
      valid: {
        password: 'Lampadaire-Violet-42',
        passwordConfirmation: 'Lampadaire-Violet-43',
        code: '000000',
        enrolment: 'sealed',
      },
    },
    {
      dto: 'StructureChoiceForm',
      method: 'POST',
      path: '/structure',
      ...as('aide'),
      valid: { structureId: '00000000-0000-4000-8000-000000000000' },
    },
    {
      dto: 'FormDto',
      method: 'POST',
      path: '/deconnexion',
      ...as('leaving'),
      valid: {},
      // A logout without a hostile field is valid: the next case gets a new session.
      afterAccepted: async () => {
        await forgetLoginAttempts();
        sessions.leaving = await session(aide, '/espace');
      },
    },
    // Supervisor
    {
      dto: 'InviteAideForm',
      method: 'POST',
      path: '/responsable/aidants/invitation',
      ...as('supervisor'),
      valid: { email: 'nouvel.aidant@example.fr', role: 'aide' },
    },
    {
      dto: 'FormDto',
      method: 'POST',
      path: (action) => `/responsable/aidants/${aide.aideId}/${action}`,
      param: 'inconnue',
      ...as('supervisor'),
      valid: {},
    },
    {
      dto: 'ImportConfirmForm',
      method: 'POST',
      path: '/responsable/import-aidants/confirmation',
      ...as('supervisor'),
      valid: { importToken: 'expired-token' },
    },
    // Aide: mandates
    {
      dto: 'MandateListQuery',
      method: 'GET',
      path: '/mandats',
      ...as('aide'),
      valid: { nom: 'Martin', etat: 'current', page: '1' },
      required: [],
    },
    {
      dto: 'NewMandateForm',
      method: 'POST',
      path: '/mandats',
      ...as('aide'),
      valid: { areas: ['papers'], duration: 'six_months', channel: 'same_device' },
      required: ['areas', 'duration', 'channel'],
    },
    {
      dto: 'RevocationForm',
      method: 'POST',
      path: (id) => `/mandats/${id}/revocation`,
      param: mandateId,
      ...as('aide'),
      valid: { area: 'papers', citizenPresent: 'non' },
      required: ['citizenPresent'],
    },
    // Reports
    {
      dto: 'ReportFiltersForm',
      method: 'GET',
      path: '/rapports',
      ...as('supervisor'),
      valid: { du: '2026-01-01', au: '2026-12-31', demarche: 'papers' },
      required: [],
    },
    {
      dto: 'ReportExportForm',
      method: 'POST',
      path: '/rapports',
      ...as('supervisor'),
      valid: { du: '2026-01-01', au: '2026-12-31', format: 'csv' },
      required: ['format'],
    },
    {
      dto: 'ReportFiltersForm',
      method: 'GET',
      path: '/operateur/rapports',
      ...as('operator'),
      valid: { siret: '12345678901234', du: '2026-01-01' },
      required: [],
    },
    {
      dto: 'ReportExportForm',
      method: 'POST',
      path: '/operateur/rapports',
      ...as('operator'),
      valid: { siret: '12345678901234', du: '2026-01-01', au: '2026-01-31', format: 'pdf' },
      required: ['format'],
    },
    // Operator
    {
      dto: 'RequestListQuery',
      method: 'GET',
      path: '/operateur/demandes',
      ...as('operator'),
      valid: { etat: 'submitted', departement: '75' },
      required: [],
    },
    {
      dto: 'OperatorMessageForm',
      method: 'POST',
      path: (decision) => `/operateur/demandes/${requestId}/${decision}`,
      param: 'inconnue',
      ...as('operator'),
      valid: { message: 'Précisez l’adresse.' },
      required: [],
    },
    {
      dto: 'OperatorMessageForm',
      method: 'POST',
      path: (id) => `/operateur/demandes/${id}/modifications`,
      param: () => requestId,
      ...as('operator'),
      valid: { message: 'Précisez l’adresse.' },
      required: [],
    },
    {
      dto: 'ConsentTranslationForm',
      method: 'POST',
      path: '/operateur/traductions',
      ...as('operator'),
      valid: { version: '2026-12-v2', lang: 'xx', content: '{"notice":"x"}' },
      required: ['version', 'lang', 'content'],
    },
    {
      dto: 'PublicServiceAreasForm',
      method: 'POST',
      path: (id) => `/operateur/services-publics/${id}/demarches`,
      param: clientId,
      ...as('operator'),
      valid: { areas: ['papers', 'money'] },
    },
    {
      dto: 'FormDto',
      method: 'POST',
      path: (action) => `/operateur/services-publics/${clientId}/${action}`,
      param: 'inconnue',
      ...as('operator'),
      valid: {},
    },
    {
      dto: 'OperatorImportForm',
      method: 'POST',
      path: '/operateur/import-aidants',
      ...as('operator'),
      // An upload names the structure; the preview it gives is kept 30 minutes (a valid case stores one).
      valid: { structureId },
      upload: {
        field: 'file',
        filename: 'aidants.csv',
        content: 'prénom;nom;adresse électronique;rôle;formé\nLéa;Martin;lea.import.hostile@example.fr;aidant;oui\n',
      },
    },
    {
      dto: 'ImportConfirmForm',
      method: 'POST',
      path: '/operateur/import-aidants/confirmation',
      ...as('operator'),
      valid: { importToken: 'expired-token' },
    },
  ];

  /** Routes that read a path parameter or a query value without a DTO (the global pipe still checks them). */
  const routesWithoutDto = (): HostileRoute[] => {
    const get = (
      label: string,
      path: (param: string) => string,
      param: () => string,
      who: keyof typeof sessions,
      valid: Record<string, string> = {},
    ): HostileRoute => ({
      dto: `(no DTO) GET ${label}`,
      method: 'GET',
      path,
      param,
      client: () => agentClient(sessions[who].agent),
      valid,
      required: [],
      withoutDto: true,
    });
    return [
      get(
        '/mandats/:id',
        (id) => `/mandats/${id}`,
        () => mandateId,
        'aide',
        { revocation: 'papers' },
      ),
      get(
        '/mandats/:id/identification',
        (id) => `/mandats/${id}/identification`,
        () => mandateId,
        'aide',
      ),
      get(
        '/mandats/:id/attestations/:attestationId',
        (id) => `/mandats/${mandateId}/attestations/${id}`,
        () => '00000000-0000-4000-8000-000000000000',
        'aide',
      ),
      get(
        '/mandats/nouveau',
        () => '/mandats/nouveau',
        () => 'x',
        'aide',
        { renouvellement: mandateId },
      ),
      get(
        '/connexion',
        () => '/connexion',
        () => 'x',
        'anonymous',
        { compte: 'cree', deconnecte: '1' },
      ),
      get(
        '/invitation/:token',
        (token) => `/invitation/${token}`,
        () => invitationToken,
        'anonymous',
      ),
      get(
        '/rapports/:id',
        (id) => `/rapports/${id}`,
        () => '00000000-0000-4000-8000-000000000000',
        'supervisor',
        { actualisation: '1' },
      ),
      get(
        '/rapports/:id/fichier',
        (id) => `/rapports/${id}/fichier`,
        () => '00000000-0000-4000-8000-000000000000',
        'supervisor',
      ),
      get(
        '/operateur/demandes/:id',
        (id) => `/operateur/demandes/${id}`,
        () => requestId,
        'operator',
      ),
      get(
        '/operateur/rapports/:id/signature',
        (id) => `/operateur/rapports/${id}/signature`,
        () => '00000000-0000-4000-8000-000000000000',
        'operator',
      ),
    ];
  };

  it('given hostile path parameters and query values on the console routes without a DTO, then every answer is a safe 4xx or a safe page', async () => {
    for (const route of routesWithoutDto()) await assertHostileRoute(route, db, Math.ceil(HOSTILE_RUNS / 2));
    expect(routesWithoutDto()).toHaveLength(10);
  }, 300_000);

  it.each([
    'LoginForm',
    'CodeForm',
    'EnrolmentForm',
    'AccountSetupForm',
    'StructureChoiceForm',
    'FormDto',
    'InviteAideForm',
    'ImportConfirmForm',
    'MandateListQuery',
    'NewMandateForm',
    'RevocationForm',
    'ReportFiltersForm',
    'ReportExportForm',
    'RequestListQuery',
    'OperatorMessageForm',
    'ConsentTranslationForm',
    'PublicServiceAreasForm',
    'OperatorImportForm',
  ])(
    'given hostile %s inputs, when sent to each route taking them, then every answer is a safe 4xx or a safe acceptance',
    async (dto) => {
      for (const route of routes().filter((one) => one.dto === dto)) await assertHostileRoute(route, db, HOSTILE_RUNS);
      expect(routes().some((route) => route.dto === dto)).toBe(true);
    },
    300_000,
  );
});
