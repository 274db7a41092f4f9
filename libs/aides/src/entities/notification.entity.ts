import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import { NotificationKind } from '../enums/notification-kind.enum.js';

/**
 * An email to send to an aide (outbox), written in the transaction of the event it announces.
 * The address is read from the aide at delivery time; the payload holds facts, not personal data.
 */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'aide_id', type: 'uuid' })
  aideId: string;

  @Column({ type: 'text' })
  kind: NotificationKind;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  payload: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** Null until delivered (delivery is not built yet). */
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
