import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { SigningKeyStatus } from '../enums/signing-key-status.enum.js';
import type { PublicJwk } from '../interfaces/public-jwks.interface.js';

/**
 * A platform signing key. The `kid` is the RFC 7638 thumbprint of the public key; the private
 * key is stored only encrypted (KeyEncryption). Keys are never deleted: a retired key still
 * verifies the attestations it sealed.
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ name: 'kid', type: 'text' })
  kid: string;

  @Column({ name: 'alg', type: 'text' })
  alg: 'ES256';

  /** kty, crv, x, y only. */
  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: PublicJwk;

  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted: string;

  @Column({ name: 'status', type: 'text' })
  status: SigningKeyStatus;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
