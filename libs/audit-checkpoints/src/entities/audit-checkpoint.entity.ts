import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signed statement that the journal held `entryCount` entries ending at `seq` with `hash`. Append-only. */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'entry_count', type: 'bigint' })
  entryCount: string;

  @Column({ name: 'signed_at', type: 'timestamptz', precision: 3 })
  signedAt: Date;

  @Column({ type: 'text' })
  kid: string;

  /** Compact JWS (ES256, platform key) over the RFC 8785 form of a CheckpointPayload. */
  @Column({ type: 'text' })
  jws: string;
}
