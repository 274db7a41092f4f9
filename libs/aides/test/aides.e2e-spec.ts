import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { createTestEnvironment, insertStructure, type TestEnvironment } from '@relais/testing';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';

import { AidesModule } from '../src/aides.module.js';
import { MembershipRole } from '../src/enums/membership-role.enum.js';
import { Authenticator, MAX_FAILED_LOGINS } from '../src/services/authenticator.service.js';
import { InvitationsService } from '../src/services/invitations.service.js';
import { TotpService } from '../src/services/totp.service.js';

const PASSWORD = 'Lampadaire-Violet-Sur-Colline-42';
const OPERATOR = { type: 'operator' as never };

/** A code for the step `offset` steps from now (authenticator apps show the current one). */
const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainException);
  expect((error as DomainException).code).toBe(code);
  return error as DomainException;
}

describe('aides: invitations, account set-up and login', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let invitations: InvitationsService;
  let authenticator: Authenticator;
  let totp: TotpService;
  let structureId: string;
  let otherStructureId: string;

  const tokenOf = (link: string) => link.split('/invitation/')[1];
  const outboxActions = async () =>
    (await db.query('SELECT action FROM audit_outbox ORDER BY id')).map((r: { action: string }) => r.action);
  const activeAide = async (email: string) => {
    const invited = await invitations.invite({ structureId, email, role: MembershipRole.Aide }, OPERATOR);
    const secret = totp.newSecret();
    await invitations.activate(tokenOf(invited.link!), PASSWORD, secret, await codeAt(secret));
    return { ...invited, secret };
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, AidesModule],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
    invitations = moduleRef.get(InvitationsService);
    authenticator = moduleRef.get(Authenticator);
    totp = moduleRef.get(TotpService);
    structureId = await insertStructure(db);
    otherStructureId = await insertStructure(db, 'CCAS');
  });

  afterAll(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  describe('invitation', () => {
    it('creates the account, the membership and a 72 h link, journaled without the email', async () => {
      const before = Date.now();
      const invited = await invitations.invite(
        { structureId, email: '  Zoe.Martin@Example.FR ', role: MembershipRole.Supervisor },
        OPERATOR,
      );
      expect(invited.link).toMatch(/^http:\/\/localhost:3000\/invitation\/[\w-]{43}$/);
      expect(invited.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(72 * 3600 * 1000 - 1000);
      const [aide] = await db.query('SELECT email, password_hash FROM aides WHERE id = $1', [invited.aideId]);
      expect(aide).toEqual({ email: 'zoe.martin@example.fr', password_hash: null });
      const [stored] = await db.query('SELECT token_hash FROM invitations WHERE aide_id = $1', [invited.aideId]);
      expect(stored.token_hash).not.toContain(tokenOf(invited.link!));
      const [event] = await db.query(
        `SELECT details FROM audit_outbox WHERE action = 'aide.invited' ORDER BY id DESC LIMIT 1`,
      );
      expect(JSON.stringify(event.details)).not.toContain('zoe');
      expect(event.details).toMatchObject({ aideId: invited.aideId, role: 'supervisor' });
    });

    it('finds the same person whatever the case of the email, for a second structure', async () => {
      const first = await activeAide('camille@example.fr');
      const second = await invitations.invite(
        { structureId: otherStructureId, email: 'CAMILLE@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      expect(second.aideId).toBe(first.aideId);
      // No set-up link: the account exists, the structure is offered at the next login
      expect(second.link).toBeNull();
      const [membership] = await db.query('SELECT active FROM memberships WHERE aide_id = $1 AND structure_id = $2', [
        first.aideId,
        otherStructureId,
      ]);
      expect(membership.active).toBe(true);
      const [account] = await db.query('SELECT password_hash IS NOT NULL AS kept FROM aides WHERE id = $1', [
        first.aideId,
      ]);
      expect(account.kept).toBe(true);
    });

    it('refuses to invite someone already active in the structure', async () => {
      await activeAide('deja@example.fr');
      await expectCode(
        invitations.invite({ structureId, email: 'deja@example.fr', role: MembershipRole.Aide }, OPERATOR),
        ErrorCode.AlreadyMember,
      );
    });

    it('makes an older unused link stop working when a new one is sent', async () => {
      const first = await invitations.invite(
        { structureId, email: 'relance@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      const second = await invitations.invite(
        { structureId, email: 'relance@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      await expectCode(invitations.findValid(tokenOf(first.link!)), ErrorCode.InvitationInvalid);
      await expect(invitations.findValid(tokenOf(second.link!))).resolves.toHaveProperty(
        'aide.email',
        'relance@example.fr',
      );
    });
  });

  describe('several invitations in one transaction (inviteManyIn)', () => {
    it('applies the same rules to each person: new account, existing account, resent link, training', async () => {
      const existing = await activeAide('deja.compte@example.fr');
      const pending = await invitations.invite(
        { structureId, email: 'en.attente@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      const issued = await db.transaction((manager) =>
        invitations.inviteManyIn(
          manager,
          [
            { structureId: otherStructureId, email: 'Nouvelle@Example.fr', role: MembershipRole.Aide, trained: true },
            { structureId: otherStructureId, email: 'deja.compte@example.fr', role: MembershipRole.Supervisor },
            { structureId, email: 'en.attente@example.fr', role: MembershipRole.Aide },
          ],
          OPERATOR,
          { notify: { structureName: 'CCAS' } },
        ),
      );
      expect(issued.map((i) => i.link === null)).toEqual([false, true, false]);
      expect(issued[1].aideId).toBe(existing.aideId);
      expect(issued[2].aideId).toBe(pending.aideId);
      // The pending person's first link was replaced
      await expectCode(invitations.findValid(tokenOf(pending.link!)), ErrorCode.InvitationInvalid);
      const [trained] = await db.query(
        `SELECT m.training_validated_at IS NOT NULL AS trained FROM memberships m JOIN aides a ON a.id = m.aide_id
          WHERE a.email = 'nouvelle@example.fr'`,
      );
      expect(trained.trained).toBe(true);
      const notices = await db.query(
        "SELECT payload ? 'sealedToken' AS link FROM notifications WHERE kind = 'aide_invited' AND aide_id = ANY($1) ORDER BY aide_id",
        [[issued[1].aideId]],
      );
      expect(notices).toEqual([{ link: false }]);
      const [{ n }] = await db.query(
        "SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'aide.invited' AND details->>'aideId' = ANY($1)",
        [issued.map((i) => i.aideId)],
      );
      // One per person now, besides the two invitations before
      expect(n).toBe(5);
    });

    it('writes nothing when one person already has an account in the structure', async () => {
      await activeAide('bloque@example.fr');
      await expectCode(
        db.transaction((manager) =>
          invitations.inviteManyIn(
            manager,
            [
              { structureId, email: 'jamais.cree@example.fr', role: MembershipRole.Aide },
              { structureId, email: 'bloque@example.fr', role: MembershipRole.Aide },
            ],
            OPERATOR,
          ),
        ),
        ErrorCode.AlreadyMember,
      );
      const [{ n }] = await db.query("SELECT count(*)::int AS n FROM aides WHERE email = 'jamais.cree@example.fr'");
      expect(n).toBe(0);
    });
  });

  describe('account set-up from the link', () => {
    it('sets password and second factor, then the link is used up (replayed link refused)', async () => {
      const invited = await invitations.invite(
        { structureId, email: 'nouvelle@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      const secret = totp.newSecret();
      await invitations.activate(tokenOf(invited.link!), PASSWORD, secret, await codeAt(secret));
      const [aide] = await db.query('SELECT password_hash, totp_secret FROM aides WHERE id = $1', [invited.aideId]);
      expect(aide.password_hash).toMatch(/^\$argon2id\$/);
      expect(aide.totp_secret).toMatch(/^v1\./);
      expect(aide.totp_secret).not.toContain(secret);
      await expectCode(
        invitations.activate(tokenOf(invited.link!), PASSWORD, secret, await codeAt(secret, 1)),
        ErrorCode.InvitationInvalid,
      );
      expect(await outboxActions()).toContain('aide.account_activated');
    });

    it('refuses an expired link', async () => {
      const invited = await invitations.invite(
        { structureId, email: 'expire@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      await db.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE aide_id = $1`, [
        invited.aideId,
      ]);
      const secret = totp.newSecret();
      await expectCode(
        invitations.activate(tokenOf(invited.link!), PASSWORD, secret, await codeAt(secret)),
        ErrorCode.InvitationInvalid,
      );
    });

    it('refuses an unknown or altered link', async () => {
      await expectCode(invitations.findValid('not-a-real-token'), ErrorCode.InvitationInvalid);
    });

    it.each([
      ['too short', 'Court-1234', ErrorCode.WeakPassword],
      ['a common password', 'motdepasse123', ErrorCode.GuessablePassword],
      ['a keyboard sequence', 'azertyuiop123', ErrorCode.GuessablePassword],
      ['built on the email', 'faible.mdp@example.fr', ErrorCode.GuessablePassword],
    ])('refuses a weak password (%s) and keeps the link usable', async (_label, password, expected) => {
      const invited = await invitations.invite(
        { structureId, email: 'faible.mdp@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      const secret = totp.newSecret();
      await expectCode(invitations.activate(tokenOf(invited.link!), password, secret, await codeAt(secret)), expected);
      await expect(invitations.findValid(tokenOf(invited.link!))).resolves.toBeDefined();
    });

    it('refuses a wrong TOTP code, so a second factor is never saved unverified', async () => {
      const invited = await invitations.invite(
        { structureId, email: 'mauvais.code@example.fr', role: MembershipRole.Aide },
        OPERATOR,
      );
      const secret = totp.newSecret();
      await expectCode(
        invitations.activate(tokenOf(invited.link!), PASSWORD, secret, '000000'),
        ErrorCode.InvalidTotpCode,
      );
      const [aide] = await db.query('SELECT totp_secret, password_hash FROM aides WHERE id = $1', [invited.aideId]);
      expect(aide).toEqual({ totp_secret: null, password_hash: null });
    });
  });

  describe('login', () => {
    it('accepts the password, then a fresh code, and journals the login', async () => {
      const { aideId, secret } = await activeAide('connexion@example.fr');
      const aide = await authenticator.checkPassword('Connexion@Example.fr', PASSWORD);
      expect(aide.id).toBe(aideId);
      await authenticator.completeLogin(aideId, await codeAt(secret, 1), structureId);
      const [row] = await db.query('SELECT last_login_at FROM aides WHERE id = $1', [aideId]);
      expect(row.last_login_at).toBeInstanceOf(Date);
      expect(await outboxActions()).toContain('aide.logged_in');
    });

    it('gives the same answer for an unknown email and a wrong password', async () => {
      await activeAide('meme.reponse@example.fr');
      const unknown = await expectCode(
        authenticator.checkPassword('personne@example.fr', PASSWORD),
        ErrorCode.InvalidCredentials,
      );
      const wrong = await expectCode(
        authenticator.checkPassword('meme.reponse@example.fr', 'pas-le-bon-mot-de-passe'),
        ErrorCode.InvalidCredentials,
      );
      expect(unknown.userMessage).toBe(wrong.userMessage);
      expect(unknown.status).toBe(wrong.status);
    });

    it('refuses a code already used (replay in the same window) and a wrong code', async () => {
      const { aideId, secret } = await activeAide('rejeu@example.fr');
      const code = await codeAt(secret, 1);
      await authenticator.completeLogin(aideId, code);
      await expectCode(authenticator.completeLogin(aideId, code), ErrorCode.InvalidTotpCode);
      await expectCode(authenticator.completeLogin(aideId, '123456'), ErrorCode.InvalidTotpCode);
    });

    it('lets only one of two simultaneous logins with the same code through', async () => {
      const { aideId, secret } = await activeAide('course@example.fr');
      const code = await codeAt(secret, 1);
      const results = await Promise.allSettled([
        authenticator.completeLogin(aideId, code),
        authenticator.completeLogin(aideId, code),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it(`locks the account after ${MAX_FAILED_LOGINS} wrong passwords, even for the right one, with the same message`, async () => {
      const { aideId } = await activeAide('verrou@example.fr');
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
        await expectCode(
          authenticator.checkPassword('verrou@example.fr', `mauvais-${i}-mot-de-passe`),
          ErrorCode.InvalidCredentials,
        );
      }
      await expectCode(authenticator.checkPassword('verrou@example.fr', PASSWORD), ErrorCode.InvalidCredentials);
      const [row] = await db.query(
        `SELECT locked_until > now() + interval '14 minutes' AS locked FROM aides WHERE id = $1`,
        [aideId],
      );
      expect(row.locked).toBe(true);
      expect(await outboxActions()).toContain('aide.locked_out');
      // After the lock expires, the right password works again
      await db.query(`UPDATE aides SET locked_until = now() - interval '1 second' WHERE id = $1`, [aideId]);
      await expect(authenticator.checkPassword('verrou@example.fr', PASSWORD)).resolves.toHaveProperty('id', aideId);
    });

    it('refuses a deactivated account with the same message', async () => {
      const { aideId } = await activeAide('parti@example.fr');
      await db.query('UPDATE aides SET active = false WHERE id = $1', [aideId]);
      await expectCode(authenticator.checkPassword('parti@example.fr', PASSWORD), ErrorCode.InvalidCredentials);
    });
  });
});
