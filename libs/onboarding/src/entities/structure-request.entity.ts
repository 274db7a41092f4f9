import type { ProcedureArea } from '@relais/structures';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { StructureRequestState } from '../structure-request-workflow.js';

/** An aide the structure plans to enrol, as the applicant listed them. */
export interface PlannedAide {
  givenName: string;
  familyName: string;
  email: string;
  trained: boolean;
}

/**
 * A structure asking to join Relais (`/rejoindre`). Its applicant is the future supervisor: the
 * emails of each step go to `supervisorEmail`. A draft may still have blank fields.
 */
@Entity({ name: 'structure_requests' })
export class StructureRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  state: StructureRequestState;

  @Column({ type: 'char', length: 14 })
  siret: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  address: string;

  /** A StructureType code; blank in a draft. */
  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text', array: true })
  areas: ProcedureArea[];

  @Column({ name: 'supervisor_given_name', type: 'text' })
  supervisorGivenName: string;

  @Column({ name: 'supervisor_family_name', type: 'text' })
  supervisorFamilyName: string;

  @Column({ name: 'supervisor_email', type: 'text' })
  supervisorEmail: string;

  @Column({ name: 'planned_aides', type: 'jsonb', default: () => "'[]'::jsonb" })
  plannedAides: PlannedAide[];

  /** INSEE code from the address's postcode (generated column, as for structures). */
  @Column({ type: 'text', insert: false, update: false, nullable: true })
  readonly department: string | null;

  /** The operator's last words to the applicant (changes asked, reason of a refusal). */
  @Column({ name: 'operator_message', type: 'text', nullable: true })
  operatorMessage: string | null;

  /** The structure created when the request was accepted. */
  @Column({ name: 'structure_id', type: 'uuid', nullable: true })
  structureId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  /** Set when the retention job removed the applicant's and the planned aides' personal data. */
  @Column({ name: 'personal_data_removed_at', type: 'timestamptz', nullable: true })
  personalDataRemovedAt: Date | null;
}
