import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import { NotificationKind } from '../enums/notification-kind.enum.js';

/**
 * An email to send to an aide or a citizen (outbox), written in the transaction of the event it announces.
 * The address is read from the recipient at delivery time; the payload holds facts, not personal data.
 */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The recipient: an aide, a citizen or a structure request's applicant (exactly one is set). */
  @Column({ name: 'aide_id', type: 'uuid', nullable: true })
  aideId: string | null;

  @Column({ name: 'citizen_id', type: 'uuid', nullable: true })
  citizenId: string | null;

  /** Or the applicant of a structure request (its supervisor's address, libs/onboarding). */
  @Column({ name: 'structure_request_id', type: 'uuid', nullable: true })
  structureRequestId: string | null;

  @Column({ type: 'text' })
  kind: NotificationKind;

  /**
   * Facts for the email. A link's token is kept sealed (SecretBox) as `sealedToken`, opened only
   * to render the email and removed once it is sent.
   */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  payload: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /**
   * Unique when set: emails a repeated job may queue again (daily digest, seven-day notice,
   * mandate created) carry one, and are inserted with ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING.
   */
  @Column({ name: 'dedup_key', type: 'text', nullable: true, unique: true })
  dedupKey: string | null;

  /** Null until delivered (NotificationSender). */
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** Sends the SMTP server refused; the sender gives up at NOTIFICATION_MAX_ATTEMPTS. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** The last failure: SMTP reply code and text, or a connection error code; never an address. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Not taken before this time: retries wait longer after each refusal. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;
}
