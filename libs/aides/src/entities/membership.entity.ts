import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import { MembershipRole } from '../enums/membership-role.enum.js';

/** An aide's place in a structure: a role and a training status (habilitation). */
@Entity({ name: 'memberships' })
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'aide_id', type: 'uuid' })
  aideId: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId: string;

  @Column({ type: 'text' })
  role: MembershipRole;

  /** Null until a supervisor validates the training: until then no mandate can be created or used (actingRefusalSql). */
  @Column({ name: 'training_validated_at', type: 'timestamptz', nullable: true })
  trainingValidatedAt: Date | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
