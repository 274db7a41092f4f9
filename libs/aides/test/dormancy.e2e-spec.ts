import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { AidesModule } from '../src/aides.module.js';
import { DORMANCY_BATCH_SIZE, DormancyService } from '../src/services/dormancy.service.js';

/** A fixed "now" whose previous months are all longer than 29 days, so the boundaries are exact. */
const NOW = new Date('2026-01-15T10:00:00Z');
const LATER = (interval: string) => `'2026-01-15T10:00:00Z'::timestamptz + interval '${interval}'`;

interface Account {
  /** Intervals before NOW, e.g. '5 months 1 day'; null for never. */
  lastLogin?: string | null;
  created?: string;
  warned?: string | null;
  /** An interval after the warning. */
  loggedInAfterWarning?: string;
  password?: boolean;
  active?: boolean;
}

describe('aides: dormant accounts are warned, then deactivated', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let dormancy: DormancyService;

  /** An account whose dates are given relative to NOW. */
  const account = async (a: Account): Promise<string> => {
    const ago = (interval: string | null | undefined) =>
      interval ? `$1::timestamptz - interval '${interval}'` : 'NULL';
    const warned = ago(a.warned);
    const lastLogin = a.loggedInAfterWarning ? `${warned} + interval '${a.loggedInAfterWarning}'` : ago(a.lastLogin);
    const [{ id }] = await db.query(
      `INSERT INTO aides (email, password_hash, active, created_at, last_login_at, dormancy_warned_at)
       VALUES ('aide.' || gen_random_uuid() || '@example.fr', $2, $3, ${ago(a.created ?? '1 year')}, ${lastLogin}, ${warned})
       RETURNING id`,
      [NOW, a.password === false ? null : '$argon2id$not-checked-here', a.active ?? true],
    );
    return id;
  };
  const state = async (id: string) =>
    (await db.query('SELECT active, dormancy_warned_at FROM aides WHERE id = $1', [id]))[0] as {
      active: boolean;
      dormancy_warned_at: Date | null;
    };
  const notifications = (id: string) =>
    db.query('SELECT kind, payload, sent_at FROM notifications WHERE aide_id = $1 ORDER BY created_at', [id]);
  const events = (id: string) =>
    db.query(
      `SELECT action, actor_type, structure_id, details FROM audit_outbox WHERE details->>'aideId' = $1 ORDER BY id`,
      [id],
    );
  const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, AidesModule],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
    dormancy = moduleRef.get(DormancyService);
  });

  beforeEach(async () => {
    await db.query('TRUNCATE notifications, invitations, memberships, aides, audit_outbox CASCADE');
  });

  afterAll(async () => {
    await moduleRef.close();
    await env.dispose();
  });

  describe('warning', () => {
    it('leaves alone an account last used 4 months and 29 days ago', async () => {
      const id = await account({ lastLogin: '4 months 29 days' });
      expect(await dormancy.run(NOW)).toEqual({ warned: 0, deactivated: 0 });
      expect(await state(id)).toEqual({ active: true, dormancy_warned_at: null });
      expect(await notifications(id)).toEqual([]);
    });

    it('warns an account last used 5 months and 1 day ago: email queued, event journaled', async () => {
      const id = await account({ lastLogin: '5 months 1 day' });

      expect(await dormancy.run(NOW)).toEqual({ warned: 1, deactivated: 0 });

      expect(await state(id)).toEqual({ active: true, dormancy_warned_at: NOW });
      const [notification] = await notifications(id);
      expect(notification).toMatchObject({ kind: 'dormancy_warning', sent_at: null });
      expect(new Date(notification.payload.deactivationFrom)).toEqual(new Date('2026-02-15T10:00:00Z'));
      expect(await events(id)).toEqual([
        { action: 'aide.dormancy_warned', actor_type: 'system', structure_id: null, details: { aideId: id } },
      ]);
    });

    it('counts from the account creation when the person never logged in', async () => {
      const dormant = await account({ lastLogin: null, created: '5 months 1 day' });
      const recent = await account({ lastLogin: null, created: '4 months 29 days' });
      expect(await dormancy.run(NOW)).toEqual({ warned: 1, deactivated: 0 });
      expect((await state(dormant)).dormancy_warned_at).toEqual(NOW);
      expect((await state(recent)).dormancy_warned_at).toBeNull();
    });

    it('leaves alone accounts never set up (no password) and accounts already inactive', async () => {
      const notSetUp = await account({ lastLogin: null, created: '1 year', password: false });
      const inactive = await account({ lastLogin: '1 year', active: false });
      expect(await dormancy.run(NOW)).toEqual({ warned: 0, deactivated: 0 });
      expect(await notifications(notSetUp)).toEqual([]);
      expect(await notifications(inactive)).toEqual([]);
    });
  });

  describe('deactivation', () => {
    it('deactivates an account warned 1 month and 1 day ago and unused since', async () => {
      const id = await account({ lastLogin: '7 months', warned: '1 month 1 day' });

      expect(await dormancy.run(NOW)).toEqual({ warned: 0, deactivated: 1 });

      // The warning is cleared so that a later reactivation starts with a new warning
      expect(await state(id)).toEqual({ active: false, dormancy_warned_at: null });
      expect((await notifications(id)).map((n: { kind: string }) => n.kind)).toEqual(['deactivated_for_dormancy']);
      expect(await events(id)).toEqual([
        {
          action: 'aide.deactivated_for_dormancy',
          actor_type: 'system',
          structure_id: null,
          details: { aideId: id },
        },
      ]);
    });

    it('leaves alone an account warned 29 days ago', async () => {
      const id = await account({ lastLogin: '7 months', warned: '29 days' });
      expect(await dormancy.run(NOW)).toEqual({ warned: 0, deactivated: 0 });
      expect((await state(id)).active).toBe(true);
    });

    it('leaves alone an account warned long ago but used since the warning', async () => {
      const id = await account({ warned: '3 months', loggedInAfterWarning: '1 day' });
      expect(await dormancy.run(NOW)).toEqual({ warned: 0, deactivated: 0 });
      expect((await state(id)).active).toBe(true);
      expect(await events(id)).toEqual([]);
    });
  });

  describe('runs', () => {
    it('changes nothing more when run a second time', async () => {
      // Given one account of each kind
      const toWarn = await account({ lastLogin: '6 months' });
      const toDeactivate = await account({ lastLogin: '8 months', warned: '2 months' });
      await account({ lastLogin: '1 month' });
      expect(await dormancy.run(NOW)).toEqual({ warned: 1, deactivated: 1 });
      const after = { notifications: await count('notifications'), events: await count('audit_outbox') };

      // When it runs again
      expect(await dormancy.run(NOW)).toEqual({ warned: 0, deactivated: 0 });

      // Then
      expect({ notifications: await count('notifications'), events: await count('audit_outbox') }).toEqual(after);
      expect(await state(toWarn)).toEqual({ active: true, dormancy_warned_at: NOW });
      expect((await state(toDeactivate)).active).toBe(false);
    });

    it('deactivates a warned account a month later, unless a login came in between', async () => {
      const forgotten = await account({ lastLogin: '6 months' });
      const returning = await account({ lastLogin: '6 months' });
      expect(await dormancy.run(NOW)).toEqual({ warned: 2, deactivated: 0 });
      // The returning person logs in (Authenticator.completeLogin clears the warning)
      await db.query(`UPDATE aides SET last_login_at = ${LATER('3 days')}, dormancy_warned_at = NULL WHERE id = $1`, [
        returning,
      ]);

      const monthLater = new Date('2026-02-16T10:00:00Z');
      expect(await dormancy.run(monthLater)).toEqual({ warned: 0, deactivated: 1 });

      expect((await state(forgotten)).active).toBe(false);
      expect(await state(returning)).toEqual({ active: true, dormancy_warned_at: null });
    });

    it(`handles more accounts than one batch (${DORMANCY_BATCH_SIZE}) holds, each journaled once`, async () => {
      const total = DORMANCY_BATCH_SIZE * 2 + 1;
      await db.query(
        `INSERT INTO aides (email, password_hash, created_at, last_login_at)
         SELECT 'lot.' || n || '@example.fr', 'x', $1::timestamptz - interval '1 year', $1::timestamptz - interval '6 months'
           FROM generate_series(1, $2) n`,
        [NOW, total],
      );

      expect(await dormancy.run(NOW)).toEqual({ warned: total, deactivated: 0 });

      const [row] = await db.query(
        `SELECT count(*)::int AS events, count(DISTINCT details->>'aideId')::int AS aides FROM audit_outbox
          WHERE action = 'aide.dormancy_warned'`,
      );
      expect(row).toEqual({ events: total, aides: total });
      expect(await count('notifications')).toBe(total);
    });
  });
});
