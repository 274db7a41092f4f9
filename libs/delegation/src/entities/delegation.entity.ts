import type { ProcedureArea } from '@relais/structures';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One delegated login: an aide of a structure acting for a citizen, under a mandate, for one
 * area, at one public service. Its id is the OpenID provider's account id: every token use looks
 * it up and re-checks the mandate, so a revoked or expired mandate stops what it opened.
 */
@Entity({ name: 'delegations' })
export class Delegation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'public_service_id', type: 'uuid' })
  publicServiceId: string;

  @Column({ name: 'aide_id', type: 'uuid' })
  aideId: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId: string;

  @Column({ name: 'citizen_id', type: 'uuid' })
  citizenId: string;

  @Column({ name: 'mandate_id', type: 'uuid' })
  mandateId: string;

  @Column({ type: 'text' })
  area: ProcedureArea;

  /** How the aide authenticated: pwd, otp. */
  @Column({ type: 'text', array: true })
  amr: string[];

  /** The provider's grant, revoked when the mandate or the area ends. */
  @Column({ name: 'grant_id', type: 'text', nullable: true })
  grantId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
