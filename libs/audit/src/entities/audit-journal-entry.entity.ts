import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One sealed, hash-chained entry of the liability journal. The database refuses changes to it. */
@Entity({ name: 'audit_journal' })
export class AuditJournalEntry {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ name: 'event_id', type: 'bigint', unique: true })
  eventId: string;

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

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'sealed_at', type: 'timestamptz', default: () => 'now()' })
  sealedAt: Date;
}
