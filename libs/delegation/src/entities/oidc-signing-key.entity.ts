import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signing key of the OpenID provider (one in use per algorithm), private part encrypted with SECRETS_KEY. */
@Entity({ name: 'oidc_signing_keys' })
export class OidcSigningKey {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: 'ES256' | 'RS256';

  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** When `oidc-keys:rotate` replaced it: it signs no more, and stays in the JWKS for a day. Null: in use. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
