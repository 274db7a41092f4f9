import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An audit event written in the same transaction as the change it describes, waiting for the
 * worker to seal it into the journal. `xid` is the writing transaction, so the sealer only takes
 * rows whose transactions have all finished.
 */
@Entity({ name: 'audit_outbox' })
export class AuditOutboxEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column({ name: 'actor_type', type: 'text' })
  actorType: string;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ name: 'structure_id', type: 'uuid', nullable: true })
  structureId: string | null;

  @Column({ name: 'citizen_id', type: 'uuid', nullable: true })
  citizenId: string | null;

  @Column({ name: 'mandate_id', type: 'uuid', nullable: true })
  mandateId: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  details: Record<string, unknown>;
}
