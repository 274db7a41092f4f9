import { Inject, Injectable, Logger } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';
import { DataSource, type EntityManager } from 'typeorm';

import { renderEmail } from '../emails/render-email.js';
import type { NotificationKind } from '../enums/notification-kind.enum.js';
import { SecretBox } from './secret-box.service.js';

/** Emails sent per transaction; kept small because the transaction stays open while sending. */
export const NOTIFICATION_BATCH_SIZE = 10;
/** After this many refusals an email is given up (it stays in the table with its last error). */
export const NOTIFICATION_MAX_ATTEMPTS = 10;

/** Failures of the SMTP server itself rather than of one message: stop and retry at the next run. */
const SERVER_UNAVAILABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH']);

export interface DeliveryRun {
  sent: number;
  failed: number;
}

interface PendingEmail {
  id: string;
  kind: NotificationKind;
  payload: Record<string, unknown>;
  email: string;
}

interface BatchResult extends DeliveryRun {
  taken: number;
  serverUnavailable: boolean;
}

/**
 * Delivers the notifications outbox by SMTP (SMTP_URL; off when unset). Rows are locked with
 * FOR UPDATE SKIP LOCKED, so several workers never send the same row, and sent_at is set in the
 * transaction that locked the row, right after the server accepted the message. A refused message
 * is retried after 1, 2, 4… minutes and given up after NOTIFICATION_MAX_ATTEMPTS. When the server
 * cannot be reached the run stops without counting an attempt: the message was not at fault.
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger(NotificationSender.name);
  private readonly transport: Transporter | null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
    private readonly secrets: SecretBox,
  ) {
    this.transport = config.SMTP_URL
      ? createTransport(
          { url: config.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
          { from: config.MAIL_FROM },
        )
      : null;
  }

  /** False when SMTP_URL is unset: sendPending() does nothing and rows stay pending. */
  get enabled(): boolean {
    return this.transport !== null;
  }

  /** `at` is for tests; by default the database's clock, the one that stamped the rows. */
  async sendPending(at?: Date): Promise<DeliveryRun> {
    const total: DeliveryRun = { sent: 0, failed: 0 };
    const transport = this.transport;
    if (!transport) return total;
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const [{ now }]: Array<{ now: Date }> = await manager.query('SELECT coalesce($1::timestamptz, now()) AS now', [
          at ?? null,
        ]);
        return this.sendBatch(manager, transport, now);
      });
      total.sent += batch.sent;
      total.failed += batch.failed;
      if (batch.serverUnavailable || batch.taken < NOTIFICATION_BATCH_SIZE) return total;
    }
  }

  /**
   * The emails still waiting for `email`, rendered as they would be sent (links included), oldest
   * first: for a demo or a platform without SMTP (`npm run cli -- notifications:pending <email>`).
   */
  async pendingFor(email: string): Promise<Array<{ createdAt: Date; subject: string; text: string }>> {
    const rows: Array<PendingEmail & { created_at: Date }> = await this.dataSource.query(
      `SELECT n.id, n.kind, n.payload, n.created_at
         FROM notifications n
         LEFT JOIN aides a ON a.id = n.aide_id
         LEFT JOIN citizens c ON c.id = n.citizen_id
         LEFT JOIN structure_requests r ON r.id = n.structure_request_id
        WHERE n.sent_at IS NULL AND lower(coalesce(a.email, c.email, r.supervisor_email)) = lower($1)
        ORDER BY n.created_at, n.id`,
      [email],
    );
    return rows.map((row) => ({ createdAt: row.created_at, ...this.render(row) }));
  }

  private render(row: Pick<PendingEmail, 'kind' | 'payload'>) {
    const payload = { ...row.payload };
    if (typeof payload.sealedToken === 'string') payload.token = this.secrets.open(payload.sealedToken);
    delete payload.sealedToken;
    return renderEmail(row.kind, payload, { baseUrl: this.config.ISSUER.replace(/\/$/, '') });
  }

  private async sendBatch(manager: EntityManager, transport: Transporter, now: Date): Promise<BatchResult> {
    // OF n: the recipient's row is read, not locked.
    const rows: PendingEmail[] = await manager.query(
      `SELECT n.id, n.kind, n.payload, coalesce(a.email, c.email, r.supervisor_email) AS email
         FROM notifications n
         LEFT JOIN aides a ON a.id = n.aide_id
         LEFT JOIN citizens c ON c.id = n.citizen_id
         LEFT JOIN structure_requests r ON r.id = n.structure_request_id
        WHERE n.sent_at IS NULL AND coalesce(a.email, c.email, r.supervisor_email) IS NOT NULL AND n.attempts < ${NOTIFICATION_MAX_ATTEMPTS} AND n.next_attempt_at <= $1
        ORDER BY n.next_attempt_at, n.id
        LIMIT $2
          FOR UPDATE OF n SKIP LOCKED`,
      [now, NOTIFICATION_BATCH_SIZE],
    );
    const result: BatchResult = { taken: rows.length, sent: 0, failed: 0, serverUnavailable: false };
    for (const row of rows) {
      try {
        await this.send(transport, row);
      } catch (error) {
        result.failed += 1;
        const failure = describeFailure(error);
        if (SERVER_UNAVAILABLE.has(failure.code)) {
          await manager.query('UPDATE notifications SET last_error = $2 WHERE id = $1', [row.id, failure.text]);
          this.logger.error({ notificationId: row.id, error: failure.text }, 'SMTP server unavailable; retrying later');
          return { ...result, serverUnavailable: true };
        }
        await this.recordRefusal(manager, row.id, failure.text, now);
        continue;
      }
      // A link's sealed token is not kept once the message is out.
      await manager.query("UPDATE notifications SET sent_at = $2, payload = payload - 'sealedToken' WHERE id = $1", [
        row.id,
        now,
      ]);
      result.sent += 1;
    }
    return result;
  }

  private async send(transport: Transporter, row: PendingEmail): Promise<void> {
    const { subject, text } = this.render(row);
    await transport.sendMail({
      to: row.email,
      subject,
      text,
      // Stable id: if a crash makes us send the row again, mail systems can tell it is the same message.
      messageId: `<${row.id}@${new URL(this.config.ISSUER).hostname}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  private async recordRefusal(manager: EntityManager, id: string, error: string, now: Date): Promise<void> {
    // The right-hand side reads the old attempts: waits 1, 2, 4… minutes.
    const [rows]: [Array<{ attempts: number }>, number] = await manager.query(
      `UPDATE notifications
          SET attempts = attempts + 1, last_error = $2,
              next_attempt_at = $3::timestamptz + interval '1 minute' * power(2, attempts)
        WHERE id = $1
        RETURNING attempts`,
      [id, error, now],
    );
    const { attempts } = rows[0];
    const givenUp = attempts >= NOTIFICATION_MAX_ATTEMPTS;
    this.logger[givenUp ? 'error' : 'warn'](
      { notificationId: id, attempts, error },
      givenUp ? 'email given up after too many refusals' : 'email refused; retrying later',
    );
  }
}

/** A short, address-free account of a failure, for last_error and the logs. */
export function describeFailure(error: unknown): { code: string; text: string } {
  const failure = (error ?? {}) as NodemailerError;
  const code = typeof failure.code === 'string' ? failure.code : 'ERROR';
  const reply = failure.response ?? failure.message ?? String(error);
  // Servers often quote the recipient in their reply: keep the code and the reason only.
  const text = `${code} ${reply}`.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[adresse]').slice(0, 500);
  return { code, text };
}
