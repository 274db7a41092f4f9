import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { AttestationKind } from '../enums/attestation-kind.enum.js';

/**
 * A PDF attestation given out (at consent, at revocation). The exact bytes are kept: downloads
 * give the same file, and a file is genuine only if its SHA-256 is one of ours.
 */
@Entity({ name: 'attestations' })
export class Attestation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'mandate_id', type: 'uuid' })
  mandateId: string;

  @Column({ type: 'text' })
  kind: AttestationKind;

  /** The short verification code printed on the document (and in its QR code's URL). */
  @Column({ type: 'text', unique: true })
  code: string;

  /** The JWS the document carries. */
  @Column({ type: 'text' })
  seal: string;

  @Column({ type: 'text', unique: true })
  sha256: string;

  /** Null once the retention job removed it with the citizen's personal data (the seal and sha256 stay). */
  @Column({ type: 'bytea', select: false, nullable: true })
  pdf: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
