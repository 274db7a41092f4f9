import type { ProcedureArea } from '@relais/structures';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { RevocationReason, RevokedBy } from '../enums/revocation-reason.enum.js';

/**
 * One procedure area of a consented mandate, revocable alone. `inForce` (denormalized with the
 * structure and citizen) is what the one-area-one-mandate unique index looks at: it turns false
 * when the area is revoked, replaced by a newer mandate, or closed after the mandate ended.
 */
@Entity({ name: 'mandate_procedures' })
export class MandateProcedure {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'mandate_id', type: 'uuid' })
  mandateId: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId: string;

  @Column({ name: 'citizen_id', type: 'uuid' })
  citizenId: string;

  @Column({ type: 'text' })
  area: ProcedureArea;

  @Column({ name: 'in_force', type: 'boolean', default: true })
  inForce: boolean;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason: RevocationReason | null;

  @Column({ name: 'revoked_by_aide_id', type: 'uuid', nullable: true })
  revokedByAideId: string | null;

  /** Who revoked it (reason `revoked` only): the citizen in the portal, or an aide at the counter. */
  @Column({ name: 'revoked_by', type: 'text', nullable: true })
  revokedBy: RevokedBy | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
