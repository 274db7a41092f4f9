import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { createTestEnvironment, insertStructure, type TestEnvironment } from '@relais/testing';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';

import { AidesModule } from '../src/aides.module.js';
import { MembershipRole } from '../src/enums/membership-role.enum.js';
import { Authenticator } from '../src/services/authenticator.service.js';
import { InvitationsService } from '../src/services/invitations.service.js';
import { MembershipsService, type SupervisorActor } from '../src/services/memberships.service.js';
import { TotpService } from '../src/services/totp.service.js';

const PASSWORD = 'Lampadaire-Violet-Sur-Colline-42';
const OPERATOR = { type: 'operator' as never };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainException);
  expect((error as DomainException).code).toBe(code);
}

interface Person {
  aideId: string;
  email: string;
  secret?: string;
}

describe('aides: a supervisor manages the people of their structure', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let invitations: InvitationsService;
  let memberships: MembershipsService;
  let authenticator: Authenticator;
  let totp: TotpService;
  let structureId: string;
  let otherStructureId: string;
  let supervisor: SupervisorActor;
  let emailCounter = 0;

  /** Invites someone into a structure and, unless told otherwise, sets up their account. */
  const member = async (
    inStructure: string,
    role = MembershipRole.Aide,
    names: { givenName?: string; familyName?: string } = {},
    activate = true,
  ): Promise<Person> => {
    const email = `personne.${++emailCounter}@example.fr`;
    const invited = await invitations.invite({ structureId: inStructure, email, role, ...names }, OPERATOR);
    if (!activate) return { aideId: invited.aideId, email };
    const secret = totp.newSecret();
    await invitations.activate(invited.link!.split('/invitation/')[1], PASSWORD, secret, await codeAt(secret));
    return { aideId: invited.aideId, email, secret };
  };
  const membership = async (aideId: string, inStructure = structureId) =>
    (
      await db.query(
        'SELECT id, active, training_validated_at FROM memberships WHERE aide_id = $1 AND structure_id = $2',
        [aideId, inStructure],
      )
    )[0];
  const events = (action: string, aideId: string) =>
    db.query(
      `SELECT actor_type, actor_id, structure_id, details FROM audit_outbox
        WHERE action = $1 AND details->>'aideId' = $2 ORDER BY id`,
      [action, aideId],
    );

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, AidesModule],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
    invitations = moduleRef.get(InvitationsService);
    memberships = moduleRef.get(MembershipsService);
    authenticator = moduleRef.get(Authenticator);
    totp = moduleRef.get(TotpService);
    structureId = await insertStructure(db);
    otherStructureId = await insertStructure(db, 'CCAS');
    supervisor = { aideId: (await member(structureId, MembershipRole.Supervisor, { familyName: 'Zola' })).aideId };
  });

  afterAll(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  describe('listing the structure', () => {
    it('shows each person with their role and statuses, by family name then email, and no one from elsewhere', async () => {
      // Given a trained aide, an aide who never used the invitation, and someone of another structure
      const trained = await member(structureId, MembershipRole.Aide, { givenName: 'Élise', familyName: 'Bernard' });
      await db.query('UPDATE memberships SET training_validated_at = now() WHERE aide_id = $1', [trained.aideId]);
      await db.query('UPDATE aides SET last_login_at = now() WHERE id = $1', [trained.aideId]);
      const invitedOnly = await member(structureId, MembershipRole.Aide, { familyName: 'André' }, false);
      const elsewhere = await member(otherStructureId);

      // When the supervisor lists the structure
      const list = await memberships.listForStructure(structureId, supervisor);

      // Then
      const ids = list.map((m) => m.aideId);
      expect(ids.indexOf(invitedOnly.aideId)).toBeLessThan(ids.indexOf(trained.aideId));
      expect(ids.indexOf(trained.aideId)).toBeLessThan(ids.indexOf(supervisor.aideId));
      expect(ids).not.toContain(elsewhere.aideId);
      expect(list.find((m) => m.aideId === trained.aideId)).toMatchObject({
        givenName: 'Élise',
        familyName: 'Bernard',
        role: MembershipRole.Aide,
        active: true,
        accountActive: true,
        trainingValidatedAt: expect.any(Date),
        secondFactorEnrolled: true,
        accountActivated: true,
        lastLoginAt: expect.any(Date),
      });
      expect(list.find((m) => m.aideId === invitedOnly.aideId)).toMatchObject({
        email: expect.stringMatching(/@example\.fr$/),
        trainingValidatedAt: null,
        secondFactorEnrolled: false,
        accountActivated: false,
        lastLoginAt: null,
      });
      expect(list.find((m) => m.aideId === supervisor.aideId)).toMatchObject({ role: MembershipRole.Supervisor });
    });
  });

  describe('deactivating and reactivating', () => {
    it('deactivates the membership in this structure only, and journals it without personal data', async () => {
      // Given an aide of both structures
      const aide = await member(structureId);
      await invitations.invite(
        { structureId: otherStructureId, email: aide.email, role: MembershipRole.Aide },
        OPERATOR,
      );

      // When the supervisor deactivates them
      await memberships.deactivate(structureId, aide.aideId, supervisor);

      // Then the membership here is inactive, the other one and the account are untouched
      const here = await membership(aide.aideId);
      expect(here.active).toBe(false);
      expect((await membership(aide.aideId, otherStructureId)).active).toBe(true);
      expect((await db.query('SELECT active FROM aides WHERE id = $1', [aide.aideId]))[0].active).toBe(true);
      expect(await events('aide.deactivated', aide.aideId)).toEqual([
        {
          actor_type: 'aide',
          actor_id: supervisor.aideId,
          structure_id: structureId,
          details: { aideId: aide.aideId, membershipId: here.id },
        },
      ]);
    });

    it('reactivates a deactivated membership and journals it once, even when asked twice', async () => {
      const aide = await member(structureId);
      await memberships.deactivate(structureId, aide.aideId, supervisor);

      await memberships.reactivate(structureId, aide.aideId, supervisor);
      await memberships.reactivate(structureId, aide.aideId, supervisor);

      expect((await membership(aide.aideId)).active).toBe(true);
      expect(await events('aide.reactivated', aide.aideId)).toHaveLength(1);
    });

    it('refuses that a supervisor deactivates themselves', async () => {
      await expectCode(memberships.deactivate(structureId, supervisor.aideId, supervisor), ErrorCode.Forbidden);
      expect((await membership(supervisor.aideId)).active).toBe(true);
    });

    it('takes away the rights of a supervisor whose membership was deactivated', async () => {
      // Given a second supervisor, deactivated by the first
      const second = await member(structureId, MembershipRole.Supervisor);
      await memberships.deactivate(structureId, second.aideId, supervisor);
      // When they try to act, then they are refused
      const aide = await member(structureId);
      await expectCode(
        memberships.validateTraining(structureId, aide.aideId, { aideId: second.aideId }),
        ErrorCode.Forbidden,
      );
    });
    it('lets only one of two supervisors deactivating each other at the same time succeed', async () => {
      // Given two supervisors of a structure of their own
      const [{ id: ownStructure }] = await db.query(
        `INSERT INTO structures (siret, name, address, type, areas) VALUES ('21750001600019', 'Mairie', '1 place', 'town_hall', '{papers}') RETURNING id`,
      );
      const first = await member(ownStructure, MembershipRole.Supervisor);
      const second = await member(ownStructure, MembershipRole.Supervisor);
      // When each deactivates the other at the same moment
      const results = await Promise.allSettled([
        memberships.deactivate(ownStructure, second.aideId, { aideId: first.aideId }),
        memberships.deactivate(ownStructure, first.aideId, { aideId: second.aideId }),
      ]);
      // Then one wins, the other is refused (not a deadlock), and the structure keeps a supervisor
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toHaveProperty('code', ErrorCode.Forbidden);
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM memberships WHERE structure_id = $1 AND active', [
        ownStructure,
      ]);
      expect(n).toBe(1);
    });
  });

  describe('training', () => {
    it('validates the training once: a second validation keeps the date and journals nothing more', async () => {
      const aide = await member(structureId);

      await memberships.validateTraining(structureId, aide.aideId, supervisor);
      const first = (await membership(aide.aideId)).training_validated_at;
      await memberships.validateTraining(structureId, aide.aideId, supervisor);

      expect(first).toBeInstanceOf(Date);
      expect((await membership(aide.aideId)).training_validated_at).toEqual(first);
      expect(await events('aide.training_validated', aide.aideId)).toEqual([
        expect.objectContaining({ actor_id: supervisor.aideId, structure_id: structureId }),
      ]);
    });
  });

  describe('resetting the second factor', () => {
    it('forgets the TOTP seed and journals it; the old app’s codes no longer complete a login', async () => {
      // Given an aide whose account is set up
      const aide = await member(structureId);

      // When the supervisor resets their second factor
      await memberships.resetSecondFactor(structureId, aide.aideId, supervisor);

      // Then the seed and the last step are gone, and the reset is journaled
      const [row] = await db.query('SELECT totp_secret, totp_last_step FROM aides WHERE id = $1', [aide.aideId]);
      expect(row).toEqual({ totp_secret: null, totp_last_step: null });
      expect(await events('aide.second_factor_reset', aide.aideId)).toHaveLength(1);
      // And a code from the old app, or any code, is refused
      await expectCode(
        authenticator.completeLogin(aide.aideId, await codeAt(aide.secret!, 1)),
        ErrorCode.InvalidCredentials,
      );
      await expectCode(authenticator.completeLogin(aide.aideId, '123456'), ErrorCode.InvalidCredentials);
    });

    it('journals nothing when there was no second factor to reset', async () => {
      const invitedOnly = await member(structureId, MembershipRole.Aide, {}, false);
      await memberships.resetSecondFactor(structureId, invitedOnly.aideId, supervisor);
      expect(await events('aide.second_factor_reset', invitedOnly.aideId)).toHaveLength(0);
    });
  });

  describe('authorisation', () => {
    const actions = [
      ['deactivate', (s: string, a: string, actor: SupervisorActor) => memberships.deactivate(s, a, actor)],
      ['reactivate', (s: string, a: string, actor: SupervisorActor) => memberships.reactivate(s, a, actor)],
      ['validateTraining', (s: string, a: string, actor: SupervisorActor) => memberships.validateTraining(s, a, actor)],
      [
        'resetSecondFactor',
        (s: string, a: string, actor: SupervisorActor) => memberships.resetSecondFactor(s, a, actor),
      ],
    ] as const;
    const unchanged = async (aideId: string) => {
      const [row] = await db.query(
        `SELECT m.active, m.training_validated_at, a.totp_secret IS NOT NULL AS enrolled
           FROM memberships m JOIN aides a ON a.id = m.aide_id WHERE m.aide_id = $1 AND m.structure_id = $2`,
        [aideId, structureId],
      );
      expect(row).toEqual({ active: true, training_validated_at: null, enrolled: true });
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM audit_outbox
          WHERE details->>'aideId' = $1 AND action NOT IN ('aide.invited', 'aide.account_activated')`,
        [aideId],
      );
      expect(n).toBe(0);
    };

    it.each(actions)('refuses %s by the supervisor of another structure', async (_name, act) => {
      const outsider = await member(otherStructureId, MembershipRole.Supervisor);
      const aide = await member(structureId);
      await expectCode(act(structureId, aide.aideId, { aideId: outsider.aideId }), ErrorCode.Forbidden);
      await unchanged(aide.aideId);
    });

    it.each(actions)('refuses %s by an aide who is not a supervisor', async (_name, act) => {
      const colleague = await member(structureId);
      const aide = await member(structureId);
      await expectCode(act(structureId, aide.aideId, { aideId: colleague.aideId }), ErrorCode.Forbidden);
      await unchanged(aide.aideId);
    });

    it.each(actions)('answers "not found" to %s on someone of another structure', async (_name, act) => {
      const elsewhere = await member(otherStructureId);
      await expectCode(act(structureId, elsewhere.aideId, supervisor), ErrorCode.AideNotFound);
      const [row] = await db.query(
        `SELECT m.active, m.training_validated_at, a.totp_secret IS NOT NULL AS enrolled
           FROM memberships m JOIN aides a ON a.id = m.aide_id WHERE m.aide_id = $1`,
        [elsewhere.aideId],
      );
      expect(row).toEqual({ active: true, training_validated_at: null, enrolled: true });
    });

    it.each(actions)('answers "not found" to %s on an unknown or malformed id', async (_name, act) => {
      await expectCode(act(structureId, UNKNOWN_ID, supervisor), ErrorCode.AideNotFound);
      await expectCode(act(structureId, 'pas-un-identifiant', supervisor), ErrorCode.AideNotFound);
    });

    it('refuses the list to the supervisor of another structure and to a plain aide', async () => {
      const outsider = await member(otherStructureId, MembershipRole.Supervisor);
      const colleague = await member(structureId);
      await expectCode(memberships.listForStructure(structureId, { aideId: outsider.aideId }), ErrorCode.Forbidden);
      await expectCode(memberships.listForStructure(structureId, { aideId: colleague.aideId }), ErrorCode.Forbidden);
      await expectCode(memberships.listForStructure('pas-une-structure', supervisor), ErrorCode.Forbidden);
    });
  });
});
