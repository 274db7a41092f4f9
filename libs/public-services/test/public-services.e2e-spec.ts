import { createHash } from 'node:crypto';

import { Test, type TestingModule } from '@nestjs/testing';
import { AuditAction, AuditActorType } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { ErrorCode, ValidationFailedException } from '@relais/exceptions';
import { ProcedureArea, UnknownProcedureAreaException } from '@relais/structures';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { InvalidRedirectUriException } from '../src/exceptions/invalid-redirect-uri.exception.js';
import { PublicServiceNotFoundException } from '../src/exceptions/public-service-not-found.exception.js';
import { PublicServicesModule } from '../src/public-services.module.js';
import { type NewPublicService, PublicServicesService } from '../src/services/public-services.service.js';

const OPERATOR = { type: AuditActorType.Operator };

const impots = (overrides: Partial<NewPublicService> = {}): NewPublicService => ({
  name: 'Impôts',
  redirectUris: ['https://impots.example.fr/oidc/callback'],
  postLogoutRedirectUris: ['https://impots.example.fr/au-revoir'],
  areas: [ProcedureArea.Money],
  ...overrides,
});

interface OutboxRow {
  action: string;
  actor_type: string;
  structure_id: string | null;
  details: Record<string, unknown>;
}

describe('Public services', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let publicServices: PublicServicesService;
  let dataSource: DataSource;

  const outbox = (): Promise<OutboxRow[]> =>
    dataSource.query('SELECT action, actor_type, structure_id, details FROM audit_outbox ORDER BY id');
  const count = async (table: 'public_services' | 'audit_outbox') =>
    (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
  /** Whether the last outbox row was written by the transaction that last wrote the service's row. */
  const journaledWithRow = async (clientId: string) => {
    const [{ same }] = await dataSource.query(
      `SELECT (o.xid::xid = p.xmin) AS same FROM public_services p,
              (SELECT xid FROM audit_outbox ORDER BY id DESC LIMIT 1) o
        WHERE p.client_id = $1`,
      [clientId],
    );
    return same as boolean;
  };

  beforeEach(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, PublicServicesModule],
    }).compile();
    await moduleRef.init();
    publicServices = moduleRef.get(PublicServicesService);
    dataSource = moduleRef.get(DataSource);
  });

  afterEach(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  describe('registering', () => {
    it('registers a public service, gives its secret once, and journals it in the same transaction', async () => {
      // When the operator registers a service, with its areas out of order
      const { publicService, clientSecret } = await publicServices.register(
        impots({ areas: [ProcedureArea.Money, ProcedureArea.Papers] }),
        OPERATOR,
      );
      // Then it is stored active, with a generated client_id and its areas in catalogue order
      expect(publicService).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clientId: expect.stringMatching(/^ps_[0-9a-f]{16}$/),
        name: 'Impôts',
        redirectUris: ['https://impots.example.fr/oidc/callback'],
        postLogoutRedirectUris: ['https://impots.example.fr/au-revoir'],
        areas: ['papers', 'money'],
        active: true,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // And one event waits in the outbox, written by the very transaction that inserted the row
      expect(await outbox()).toEqual([
        {
          action: AuditAction.PublicServiceRegistered,
          actor_type: 'operator',
          structure_id: null,
          details: {
            clientId: publicService.clientId,
            areas: ['papers', 'money'],
            redirectUris: ['https://impots.example.fr/oidc/callback'],
            postLogoutRedirectUris: ['https://impots.example.fr/au-revoir'],
            discloseAct: true,
          },
        },
      ]);
      expect(await journaledWithRow(publicService.clientId)).toBe(true);
    });

    it('keeps only the SHA-256 of the secret: the row and the journal never hold it', async () => {
      const { publicService, clientSecret } = await publicServices.register(impots(), OPERATOR);
      const [{ row }] = await dataSource.query('SELECT row_to_json(p)::text AS row FROM public_services p');
      expect(row).not.toContain(clientSecret);
      const [{ secret_hash }] = await dataSource.query('SELECT secret_hash FROM public_services');
      expect(secret_hash).toBe(createHash('sha256').update(clientSecret).digest('hex'));
      expect(JSON.stringify(await outbox())).not.toContain(clientSecret);
      expect(JSON.stringify(await outbox())).not.toContain(publicService.secretHash);
    });

    it('accepts plain http toward localhost or 127.0.0.1, and no logout address at all', async () => {
      const { publicService } = await publicServices.register(
        impots({
          redirectUris: ['http://localhost:4000/callback', 'http://127.0.0.1:4000/callback'],
          postLogoutRedirectUris: undefined,
        }),
        OPERATOR,
      );
      expect(publicService.redirectUris).toEqual(['http://localhost:4000/callback', 'http://127.0.0.1:4000/callback']);
      expect(publicService.postLogoutRedirectUris).toEqual([]);
    });

    it('stores redirect URIs as typed, trimmed and without duplicates, since the provider compares them exactly', async () => {
      const { publicService } = await publicServices.register(
        impots({
          redirectUris: [' https://impots.example.fr ', 'https://impots.example.fr', 'https://b.example.fr/x?y=1'],
        }),
        OPERATOR,
      );
      expect(publicService.redirectUris).toEqual(['https://impots.example.fr', 'https://b.example.fr/x?y=1']);
    });

    it.each([
      ['a relative path', '/oidc/callback', 'Indiquez une adresse complète'],
      ['a javascript: address', 'javascript:alert(document.cookie)', 'Elle doit commencer par https://'],
      ['http toward another host', 'http://impots.example.fr/callback', 'Elle doit commencer par https://'],
      ['a fragment', 'https://impots.example.fr/callback#fin', 'Elle ne doit pas contenir de fragment'],
    ])('refuses a redirect URI with %s, names it in French and writes nothing', async (_case, uri, reason) => {
      const attempt = publicServices.register(
        impots({ redirectUris: ['https://impots.example.fr/ok', uri] }),
        OPERATOR,
      );
      await expect(attempt).rejects.toBeInstanceOf(InvalidRedirectUriException);
      await expect(attempt).rejects.toMatchObject({
        code: ErrorCode.InvalidRedirectUri,
        status: 400,
        details: { field: 'redirectUris', uri },
        userMessage: expect.stringMatching(new RegExp(`^Adresse de retour refusée : « .+ »\\. ${reason}`)),
      });
      expect(await count('public_services')).toBe(0);
      expect(await count('audit_outbox')).toBe(0);
    });

    it('applies the same rules to the addresses after logout', async () => {
      const attempt = publicServices.register(
        impots({ postLogoutRedirectUris: ['http://impots.example.fr/au-revoir'] }),
        OPERATOR,
      );
      await expect(attempt).rejects.toMatchObject({
        code: ErrorCode.InvalidRedirectUri,
        details: { field: 'postLogoutRedirectUris' },
        userMessage: expect.stringContaining('Adresse de retour après déconnexion refusée'),
      });
    });

    it('refuses an unknown procedure area and names it', async () => {
      const attempt = publicServices.register(impots({ areas: ['money', 'astrologie'] }), OPERATOR);
      await expect(attempt).rejects.toBeInstanceOf(UnknownProcedureAreaException);
      await expect(attempt).rejects.toMatchObject({ details: { unknown: ['astrologie'] } });
      expect(await count('public_services')).toBe(0);
    });

    it('refuses a blank name, no redirect URI and no area, naming every field at once', async () => {
      const attempt = publicServices.register(impots({ name: '  ', redirectUris: [], areas: [] }), OPERATOR);
      await expect(attempt).rejects.toBeInstanceOf(ValidationFailedException);
      await expect(attempt).rejects.toMatchObject({
        fields: [
          { field: 'name', problems: ['Indiquez le nom du service public.'] },
          { field: 'redirectUris', problems: ['Indiquez au moins une adresse de retour (redirect URI).'] },
          { field: 'areas', problems: ['Choisissez au moins une démarche.'] },
        ],
      });
      expect(await count('public_services')).toBe(0);
    });

    it('refuses a name over 100 characters, and accepts one of exactly 100', async () => {
      await expect(publicServices.register(impots({ name: 'é'.repeat(101) }), OPERATOR)).rejects.toMatchObject({
        fields: [{ field: 'name', problems: ['Le nom du service public ne doit pas dépasser 100 caractères.'] }],
      });
      const { publicService } = await publicServices.register(impots({ name: 'é'.repeat(100) }), OPERATOR);
      expect(publicService.name).toHaveLength(100);
    });

    it('leaves no service and no outbox row when journaling fails', async () => {
      // Given an outbox that refuses every write
      await dataSource.query(`
        CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`);
      await dataSource.query(
        'CREATE TRIGGER refuse_outbox BEFORE INSERT ON audit_outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox()',
      );
      // When a service is registered, then the insert is rolled back with the event
      await expect(publicServices.register(impots(), OPERATOR)).rejects.toThrow('outbox unavailable');
      expect(await count('public_services')).toBe(0);
    });

    it.each([
      ['an http redirect URI toward another host', "ARRAY['http://impots.example.fr/cb']", "'{}'"],
      ['a redirect URI with a fragment', "ARRAY['https://impots.example.fr/cb#x']", "'{}'"],
      ['a javascript: redirect URI', "ARRAY['javascript:alert(1)']", "'{}'"],
      ['an empty list of redirect URIs', "'{}'::text[]", "'{}'"],
      ['a logout address with a fragment', "ARRAY['https://impots.example.fr/cb']", "ARRAY['https://a.fr/#x']"],
    ])('has the database refuse %s even without the service', async (_case, redirectUris, postLogout) => {
      const insert = dataSource.query(`
        INSERT INTO public_services (client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, areas)
        VALUES ('ps_0123456789abcdef', 'Impôts', repeat('a', 64), ${redirectUris}, ${postLogout}, ARRAY['money'])`);
      await expect(insert).rejects.toThrow(/violates check constraint "public_services_.*redirect_uris_valid"/);
    });
  });

  describe('finding and listing', () => {
    it('finds a service by its client_id, and answers null for an unknown or malformed one', async () => {
      const { publicService } = await publicServices.register(impots(), OPERATOR);
      expect(await publicServices.findByClientId(publicService.clientId)).toMatchObject({
        id: publicService.id,
        name: 'Impôts',
        areas: ['money'],
      });
      expect(await publicServices.findByClientId('ps_0000000000000000')).toBeNull();
      expect(await publicServices.findByClientId("ps_' OR 1=1 --")).toBeNull();
      expect(await publicServices.findByClientId('')).toBeNull();
    });

    it('lists the services by name in French alphabetical order', async () => {
      await publicServices.register(impots({ name: 'Mairie de Zonza' }), OPERATOR);
      await publicServices.register(impots({ name: 'École en ligne' }), OPERATOR);
      await publicServices.register(impots({ name: 'caisse d’allocations familiales' }), OPERATOR);
      expect((await publicServices.list()).map((s) => s.name)).toEqual([
        'caisse d’allocations familiales',
        'École en ligne',
        'Mairie de Zonza',
      ]);
    });
  });

  describe('secrets', () => {
    it('accepts the secret given at registration and refuses any other', async () => {
      const { publicService, clientSecret } = await publicServices.register(impots(), OPERATOR);
      const stored = (await publicServices.findByClientId(publicService.clientId))!;
      expect(publicServices.verifySecret(stored, clientSecret)).toBe(true);
      // (the last character changed, whichever it was)
      const oneCharacterOff = clientSecret.slice(0, -1) + (clientSecret.endsWith('A') ? 'B' : 'A');
      expect(publicServices.verifySecret(stored, oneCharacterOff)).toBe(false);
      expect(publicServices.verifySecret(stored, stored.secretHash)).toBe(false);
      expect(publicServices.verifySecret(stored, '')).toBe(false);
    });

    it('rotates the secret: the old one stops working at once, and the change is journaled without it', async () => {
      // Given a registered service
      const { publicService, clientSecret: oldSecret } = await publicServices.register(impots(), OPERATOR);
      // When the operator rotates its secret
      const newSecret = await publicServices.rotateSecret(publicService.clientId, OPERATOR);
      // Then only the new secret is accepted
      const stored = (await publicServices.findByClientId(publicService.clientId))!;
      expect(newSecret).not.toBe(oldSecret);
      expect(publicServices.verifySecret(stored, newSecret)).toBe(true);
      expect(publicServices.verifySecret(stored, oldSecret)).toBe(false);
      // And the journal says so, in the same transaction, with nothing of either secret
      expect((await outbox())[1]).toEqual({
        action: AuditAction.PublicServiceSecretRotated,
        actor_type: 'operator',
        structure_id: null,
        details: { clientId: publicService.clientId },
      });
      expect(await journaledWithRow(publicService.clientId)).toBe(true);
    });
  });

  describe('changing a service', () => {
    it('journals a change of areas with what was added and removed', async () => {
      // Given a service serving money
      const { publicService } = await publicServices.register(impots(), OPERATOR);
      // When the operator sets its areas to money, housing and family
      const changed = await publicServices.setAreas(
        publicService.clientId,
        [ProcedureArea.Money, ProcedureArea.Housing, ProcedureArea.Family],
        OPERATOR,
      );
      // Then they are stored in catalogue order, and the change is journaled in the same transaction
      expect(changed.areas).toEqual(['family', 'housing', 'money']);
      expect(changed.updatedAt.getTime()).toBeGreaterThanOrEqual(publicService.updatedAt.getTime());
      expect((await publicServices.findByClientId(publicService.clientId))!.areas).toEqual([
        'family',
        'housing',
        'money',
      ]);
      expect((await outbox())[1]).toEqual({
        action: AuditAction.PublicServiceAreasChanged,
        actor_type: 'operator',
        structure_id: null,
        details: {
          clientId: publicService.clientId,
          areas: ['family', 'housing', 'money'],
          added: ['family', 'housing'],
          removed: [],
        },
      });
      expect(await journaledWithRow(publicService.clientId)).toBe(true);
    });

    it('does not journal areas set to what they already are, and refuses an empty or unknown list', async () => {
      const { publicService } = await publicServices.register(impots(), OPERATOR);
      await publicServices.setAreas(publicService.clientId, ['money'], OPERATOR);
      await expect(publicServices.setAreas(publicService.clientId, [], OPERATOR)).rejects.toBeInstanceOf(
        ValidationFailedException,
      );
      await expect(publicServices.setAreas(publicService.clientId, ['impots'], OPERATOR)).rejects.toBeInstanceOf(
        UnknownProcedureAreaException,
      );
      expect((await publicServices.findByClientId(publicService.clientId))!.areas).toEqual(['money']);
      expect(await count('audit_outbox')).toBe(1);
    });

    it('disables and enables a service, journaling each change once', async () => {
      // Given an active service
      const { publicService } = await publicServices.register(impots(), OPERATOR);
      // When the operator disables it twice, then enables it
      expect((await publicServices.disable(publicService.clientId, OPERATOR)).active).toBe(false);
      expect(await journaledWithRow(publicService.clientId)).toBe(true);
      expect((await publicServices.disable(publicService.clientId, OPERATOR)).active).toBe(false);
      expect((await publicServices.findByClientId(publicService.clientId))!.active).toBe(false);
      expect((await publicServices.enable(publicService.clientId, OPERATOR)).active).toBe(true);
      // Then the journal holds one event per real change
      expect((await outbox()).map((row) => [row.action, row.details])).toEqual([
        [AuditAction.PublicServiceRegistered, expect.anything()],
        [AuditAction.PublicServiceDisabled, { clientId: publicService.clientId }],
        [AuditAction.PublicServiceEnabled, { clientId: publicService.clientId }],
      ]);
      expect(await journaledWithRow(publicService.clientId)).toBe(true);
    });

    it.each([
      ['setAreas', (s: PublicServicesService, id: string) => s.setAreas(id, ['money'], OPERATOR)],
      ['disable', (s: PublicServicesService, id: string) => s.disable(id, OPERATOR)],
      ['enable', (s: PublicServicesService, id: string) => s.enable(id, OPERATOR)],
      ['rotateSecret', (s: PublicServicesService, id: string) => s.rotateSecret(id, OPERATOR)],
    ])('answers "not found" in French when %s names an unknown client_id', async (_method, change) => {
      for (const clientId of ['ps_0000000000000000', 'not-a-client-id']) {
        const attempt = change(publicServices, clientId);
        await expect(attempt).rejects.toBeInstanceOf(PublicServiceNotFoundException);
        await expect(attempt).rejects.toMatchObject({
          code: ErrorCode.PublicServiceNotFound,
          status: 404,
          userMessage: 'Aucun service public ne correspond à cet identifiant (client_id).',
        });
      }
      expect(await count('audit_outbox')).toBe(0);
    });
  });
});
