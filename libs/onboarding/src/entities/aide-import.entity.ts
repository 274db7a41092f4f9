import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { ImportCounts, ImportRow } from '../aide-rows.js';

/** What a preview keeps for its confirmation: the rows to invite and the counts of the file. */
export interface StoredImport {
  toInvite: ImportRow[];
  counts: ImportCounts;
}

/**
 * An aide import between its preview and its confirmation (30 minutes): keyed by the hash of the
 * token the preview page carries, bound to the structure and to who previewed it.
 */
@Entity({ name: 'aide_imports' })
export class AideImport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId: string;

  /** `aide` (a supervisor) or `operator`. */
  @Column({ name: 'actor_type', type: 'text' })
  actorType: string;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;

  @Column({ name: 'rows', type: 'jsonb' })
  rows: StoredImport;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;
}
