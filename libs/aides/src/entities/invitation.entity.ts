import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A single-use link to set a password and enrol a second factor; only the token's hash is kept. */
@Entity({ name: 'invitations' })
export class Invitation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'aide_id', type: 'uuid' })
  aideId: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
