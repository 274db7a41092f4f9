import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The single-use link of one email to the applicant: it shows the request as often as wanted and
 * allows one change (amend, submit, withdraw); a later email's link replaces it.
 */
@Entity({ name: 'structure_request_links' })
export class StructureRequestLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when the link served, or when a newer link replaced it. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
