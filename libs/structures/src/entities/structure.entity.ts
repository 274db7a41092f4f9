import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { ProcedureArea } from '../enums/procedure-area.enum.js';
import type { StructureType } from '../enums/structure-type.enum.js';

/**
 * A place that employs aides. Its perimeter (`areas`) bounds the procedure areas its mandates
 * may cover; it is never empty and is kept in catalogue order.
 */
@Entity({ name: 'structures' })
export class Structure {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'siret', type: 'char', length: 14, unique: true })
  siret: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'address', type: 'text' })
  address: string;

  @Column({ name: 'type', type: 'text' })
  type: StructureType;

  @Column({ name: 'areas', type: 'text', array: true })
  areas: ProcedureArea[];

  /** INSEE code derived from the address's postcode by the database (generated column); null without one. */
  @Column({ name: 'department', type: 'text', insert: false, update: false, nullable: true })
  readonly department: string | null;

  @Column({ name: 'active', type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
