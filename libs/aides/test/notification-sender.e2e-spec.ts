import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig, RELAIS_CONFIG, RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { createTestEnvironment, startTestSmtpServer, type TestEnvironment, type TestSmtpServer } from '@relais/testing';
import { DataSource } from 'typeorm';

import { AidesModule } from '../src/aides.module.js';
import { NotificationKind } from '../src/enums/notification-kind.enum.js';
import {
  NOTIFICATION_BATCH_SIZE,
  NOTIFICATION_MAX_ATTEMPTS,
  NotificationSender,
} from '../src/services/notification-sender.service.js';

const MINUTE = 60_000;
const REFUSED = 'inconnu@example.fr';

/**
 * "Now" for a run right after inserting rows: PostgreSQL stamps rows in microseconds and a JS Date
 * truncates to milliseconds, so a Date taken in the same millisecond can be before the row.
 */
const justAfterInsert = () => new Date(Date.now() + 1);

describe('aides: the notifications outbox is delivered by SMTP', () => {
  let env: TestEnvironment;
  let smtp: TestSmtpServer;
  let refusingSmtp: TestSmtpServer;
  const modules: TestingModule[] = [];
  let db: DataSource;

  /** A sender in a module of its own (its own connection pool), like one worker process. */
  const senderFor = async (smtpUrl: string | undefined): Promise<NotificationSender> => {
    const moduleRef = await Test.createTestingModule({ imports: [RelaisConfigModule, DatabaseModule, AidesModule] })
      .overrideProvider(RELAIS_CONFIG)
      .useValue(loadConfig({ ...process.env, SMTP_URL: smtpUrl, ISSUER: 'https://relais.example.fr' }))
      .compile();
    await moduleRef.init();
    modules.push(moduleRef);
    return moduleRef.get(NotificationSender);
  };

  /** An aide and one pending email for them; returns the notification id. */
  const pending = async (email: string, kind = NotificationKind.DormancyWarning, payload: object = {}) => {
    const [{ id }] = await db.query(
      `WITH aide AS (INSERT INTO aides (email, password_hash) VALUES ($1, 'x') RETURNING id)
       INSERT INTO notifications (aide_id, kind, payload) SELECT id, $2, $3 FROM aide RETURNING id`,
      [email, kind, payload],
    );
    return id as string;
  };
  const row = async (id: string) =>
    (
      await db.query('SELECT sent_at, attempts, last_error, next_attempt_at FROM notifications WHERE id = $1', [id])
    )[0] as { sent_at: Date | null; attempts: number; last_error: string | null; next_attempt_at: Date };

  beforeAll(async () => {
    env = await createTestEnvironment();
    smtp = await startTestSmtpServer();
    refusingSmtp = await startTestSmtpServer({
      refuse: {
        recipient: (address) => address === REFUSED,
        code: 550,
        message: `5.1.1 <${REFUSED}>: Recipient address rejected`,
      },
    });
    const first = await senderFor(undefined);
    db = modules[0].get(DataSource);
    expect(first.enabled).toBe(false);
  });

  beforeEach(async () => {
    await db.query('TRUNCATE notifications, invitations, memberships, aides, audit_outbox CASCADE');
    smtp.received.length = 0;
    refusingSmtp.received.length = 0;
  });

  afterAll(async () => {
    for (const moduleRef of modules) await moduleRef.close();
    await smtp?.close();
    await refusingSmtp?.close();
    await env?.dispose();
  });

  describe('delivery', () => {
    let sender: NotificationSender;
    beforeAll(async () => {
      sender = await senderFor(smtp.url);
    });

    it('sends a pending dormancy warning once, to the aide, in French with the login address, then marks it sent', async () => {
      // Given a warning for Camille
      const id = await pending('camille.martin@example.fr', NotificationKind.DormancyWarning, {
        deactivationFrom: '2026-02-15T10:00:00+00:00',
      });
      // When the sender runs
      const now = justAfterInsert();
      expect(await sender.sendPending(now)).toEqual({ sent: 1, failed: 0 });
      // Then one message reached the SMTP server, addressed to Camille
      expect(smtp.received).toHaveLength(1);
      const [mail] = smtp.received;
      expect(mail.to).toEqual(['camille.martin@example.fr']);
      expect(mail.from).toBe('"Relais" <ne-pas-repondre@relais.localhost>');
      expect(mail.subject).toBe('Votre compte Relais va être désactivé');
      expect(mail.text).toContain('Votre compte Relais sera désactivé dans un mois si vous ne vous connectez pas.');
      expect(mail.text).toContain('le 15\u00a0février 2026');
      expect(mail.text).toContain('https://relais.example.fr/connexion');
      expect(mail.messageId).toBe(`<${id}@relais.example.fr>`);
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      // And the row is marked sent
      expect(await row(id)).toMatchObject({ sent_at: now, attempts: 0, last_error: null });
    });

    it('sends nothing on the next run', async () => {
      await pending('camille.martin@example.fr');
      await sender.sendPending();

      expect(await sender.sendPending()).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);
    });

    it('sends the deactivation notice to an account that is no longer active', async () => {
      const id = await pending('dominique@example.fr', NotificationKind.DeactivatedForDormancy);
      await db.query(`UPDATE aides SET active = false WHERE email = 'dominique@example.fr'`);

      expect(await sender.sendPending()).toEqual({ sent: 1, failed: 0 });

      expect(smtp.received.map(({ to, subject }) => ({ to, subject }))).toEqual([
        { to: ['dominique@example.fr'], subject: 'Votre compte Relais est désactivé' },
      ]);
      expect((await row(id)).sent_at).not.toBeNull();
    });

    it('sends more than one batch in a run, each email once', async () => {
      const count = NOTIFICATION_BATCH_SIZE * 2 + 3;
      for (let i = 0; i < count; i++) await pending(`aide${i}@example.fr`);

      expect(await sender.sendPending()).toEqual({ sent: count, failed: 0 });

      expect(new Set(smtp.received.map((mail) => mail.to[0])).size).toBe(count);
      expect(smtp.received).toHaveLength(count);
    });

    it('leaves a row alone while delivery is held back for a retry', async () => {
      const id = await pending('plus-tard@example.fr');
      await db.query(`UPDATE notifications SET next_attempt_at = now() + interval '5 minutes' WHERE id = $1`, [id]);

      expect(await sender.sendPending()).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(0);
    });
  });

  describe('a recipient the SMTP server refuses', () => {
    let sender: NotificationSender;
    beforeAll(async () => {
      sender = await senderFor(refusingSmtp.url);
    });

    it('stays pending with the attempt counted and the reply recorded without the address; others are sent', async () => {
      // Given two pending emails, one to an address the server refuses (550)
      const refused = await pending(REFUSED);
      const accepted = await pending('accepte@example.fr');
      // When the sender runs
      const now = justAfterInsert();
      expect(await sender.sendPending(now)).toEqual({ sent: 1, failed: 1 });
      // Then the refused one is pending, counted, and retried in a minute
      expect(await row(refused)).toEqual({
        sent_at: null,
        attempts: 1,
        last_error: 'EENVELOPE 550 5.1.1 <[adresse]>: Recipient address rejected',
        next_attempt_at: new Date(now.getTime() + MINUTE),
      });
      // And the other one was delivered anyway
      expect(refusingSmtp.received.map((mail) => mail.to)).toEqual([['accepte@example.fr']]);
      expect((await row(accepted)).sent_at).toEqual(now);
    });

    it('is retried after 1, then 2 minutes, not before', async () => {
      const id = await pending(REFUSED);
      const start = justAfterInsert();
      await sender.sendPending(start);

      expect(await sender.sendPending(new Date(start.getTime() + MINUTE - 1))).toEqual({ sent: 0, failed: 0 });
      const retry = new Date(start.getTime() + MINUTE);
      expect(await sender.sendPending(retry)).toEqual({ sent: 0, failed: 1 });

      expect(await row(id)).toMatchObject({ attempts: 2, next_attempt_at: new Date(retry.getTime() + 2 * MINUTE) });
    });

    it(`is given up after ${NOTIFICATION_MAX_ATTEMPTS} attempts, and stays in the table with its last error`, async () => {
      const id = await pending(REFUSED);
      await db.query('UPDATE notifications SET attempts = $2 WHERE id = $1', [id, NOTIFICATION_MAX_ATTEMPTS - 1]);
      expect(await sender.sendPending()).toEqual({ sent: 0, failed: 1 });

      expect(await sender.sendPending(new Date(Date.now() + 365 * 24 * 60 * MINUTE))).toEqual({ sent: 0, failed: 0 });
      expect(await row(id)).toMatchObject({
        sent_at: null,
        attempts: NOTIFICATION_MAX_ATTEMPTS,
        last_error: expect.stringContaining('550'),
      });
    });
  });

  describe('an SMTP server that cannot be reached', () => {
    it('stops the run without counting an attempt, recording why on the first row only', async () => {
      // Given a server that is gone (closed port)
      const gone = await startTestSmtpServer();
      await gone.close();
      const sender = await senderFor(gone.url);
      const first = await pending('premier@example.fr');
      await db.query(`UPDATE notifications SET next_attempt_at = now() - interval '1 minute' WHERE id = $1`, [first]);
      const second = await pending('second@example.fr');
      // When the sender runs
      expect(await sender.sendPending()).toEqual({ sent: 0, failed: 1 });
      // Then
      expect(await row(first)).toMatchObject({
        sent_at: null,
        attempts: 0,
        last_error: expect.stringMatching(/^ESOCKET .*ECONNREFUSED/),
      });
      expect(await row(second)).toMatchObject({ sent_at: null, attempts: 0, last_error: null });
    });
  });

  describe('delivery disabled (no SMTP_URL)', () => {
    it('sends nothing and changes nothing', async () => {
      const sender = modules[0].get(NotificationSender);
      const id = await pending('camille.martin@example.fr');
      const before = await row(id);

      expect(sender.enabled).toBe(false);
      expect(await sender.sendPending()).toEqual({ sent: 0, failed: 0 });

      expect(await row(id)).toEqual(before);
      expect(smtp.received).toHaveLength(0);
    });
  });

  describe('two workers at once', () => {
    it('never send the same row twice', async () => {
      // Given two senders with their own connections, and a slow SMTP server so that they overlap
      const slowSmtp = await startTestSmtpServer({ delayMs: 5 });
      try {
        const [a, b] = [await senderFor(slowSmtp.url), await senderFor(slowSmtp.url)];
        const count = NOTIFICATION_BATCH_SIZE * 6;
        for (let i = 0; i < count; i++) await pending(`aide${i}@example.fr`);
        // When both run at the same time
        const [runA, runB] = await Promise.all([a.sendPending(), b.sendPending()]);
        // Then each email was sent exactly once, and both did part of the work
        expect(runA.sent + runB.sent).toBe(count);
        expect(runA.sent).toBeGreaterThan(0);
        expect(runB.sent).toBeGreaterThan(0);
        expect(slowSmtp.received).toHaveLength(count);
        expect(new Set(slowSmtp.received.map((mail) => mail.messageId)).size).toBe(count);
        const [{ unsent }] = await db.query('SELECT count(*)::int AS unsent FROM notifications WHERE sent_at IS NULL');
        expect(unsent).toBe(0);
      } finally {
        await slowSmtp.close();
      }
    });
  });
});
