import type { ProcedureArea } from '@relais/structures';
import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A public service (fournisseur de service): an OpenID Connect client of Relais and the procedure
 * areas it serves. Its client secret is never stored, only its SHA-256 (`secretHash`).
 */
@Entity({ name: 'public_services' })
export class PublicService {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'client_id', type: 'text', unique: true })
  clientId: string;

  /** What aides read on Relais' pages ("Impôts", "CAF de Paris"). */
  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  /** Compared as exact strings by the provider: stored as the operator typed them. */
  @Column({ name: 'redirect_uris', type: 'text', array: true })
  redirectUris: string[];

  @Column({ name: 'post_logout_redirect_uris', type: 'text', array: true, default: () => "'{}'" })
  postLogoutRedirectUris: string[];

  /** Never empty, in catalogue order. */
  @Column({ name: 'areas', type: 'text', array: true })
  areas: ProcedureArea[];

  @Column({ name: 'active', type: 'boolean', default: true })
  active: boolean;

  /** Whether its ID tokens and userinfo carry `act` (the aide and the structure); on by default. */
  @Column({ name: 'disclose_act', type: 'boolean', default: true })
  discloseAct: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
