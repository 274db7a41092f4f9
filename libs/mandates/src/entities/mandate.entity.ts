import type { ProcedureArea } from '@relais/structures';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { ConsentFacts } from '../consent-facts.js';
import type { ConsentChannel } from '../enums/consent-channel.enum.js';
import type { MandateDuration } from '../enums/mandate-duration.enum.js';
import type { MandateStatus } from '../enums/mandate-status.enum.js';
import type { ConsentEvidence } from '../interfaces/consent-evidence.interface.js';

/**
 * A structure's mandate from a citizen, from the aide's request to the citizen's decision and
 * after. Dates, consent evidence and seal are set at consent; the areas actually in force are the
 * MandateProcedure rows.
 */
@Entity({ name: 'mandates' })
export class Mandate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId: string;

  /** The aide who created the request. */
  @Column({ name: 'aide_id', type: 'uuid' })
  aideId: string;

  /** Set once the citizen identified with FranceConnect. */
  @Column({ name: 'citizen_id', type: 'uuid', nullable: true })
  citizenId: string | null;

  /** The areas asked for, in catalogue order. */
  @Column({ type: 'text', array: true })
  areas: ProcedureArea[];

  @Column({ type: 'text' })
  duration: MandateDuration;

  @Column({ type: 'text' })
  channel: ConsentChannel;

  @Column({ type: 'text' })
  status: MandateStatus;

  /** Remote consent only: the single-use link's token, hashed. */
  @Column({ name: 'remote_token_hash', type: 'text', nullable: true })
  remoteTokenHash: string | null;

  @Column({ name: 'remote_expires_at', type: 'timestamptz', nullable: true })
  remoteExpiresAt: Date | null;

  @Column({ name: 'renews_mandate_id', type: 'uuid', nullable: true })
  renewsMandateId: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'starts_at', type: 'timestamptz', nullable: true })
  startsAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'consent_text_version', type: 'text', nullable: true })
  consentTextVersion: string | null;

  @Column({ name: 'consent_evidence', type: 'jsonb', nullable: true })
  consentEvidence: ConsentEvidence | null;

  /**
   * What the consent page showed and the attestation prints (who, for whom, areas, dates, the exact
   * words). Null before consent, and for mandates consented before the facts were kept.
   */
  @Column({ name: 'consent_facts', type: 'jsonb', nullable: true })
  consentFacts: ConsentFacts | null;

  /** Compact JWS (ES256) over the mandate's canonical JSON, made at consent. */
  @Column({ type: 'text', nullable: true })
  seal: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
