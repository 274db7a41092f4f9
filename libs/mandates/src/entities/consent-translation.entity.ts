import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { ConsentTranslationTemplate } from '../consent-translation.js';

/**
 * A translation of one consent text version into one language, for information beside the
 * binding French text. Never edited: a correction is a new revision, and mandates keep the words
 * they were shown (their consent facts).
 */
@Entity({ name: 'consent_translations' })
export class ConsentTranslation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'text_version', type: 'text' })
  textVersion: string;

  @Column({ type: 'text' })
  lang: string;

  /** 1, 2…: the latest is shown to new citizens. */
  @Column({ type: 'integer' })
  revision: number;

  @Column({ type: 'jsonb' })
  template: ConsentTranslationTemplate;

  /** SHA-256 (base64url) of the template's canonical JSON (RFC 8785). */
  @Column({ type: 'text' })
  digest: string;

  /** False until a sworn translator reviewed it: the page and the attestation say so. */
  @Column({ type: 'boolean', default: false })
  reviewed: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
