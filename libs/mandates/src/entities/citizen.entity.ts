import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A person who gave (or was asked for) a mandate, as FranceConnect identified them. One row per
 * FranceConnect subject; the identity is refreshed at each identification.
 */
@Entity({ name: 'citizens' })
export class Citizen {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'france_connect_sub', type: 'text', unique: true })
  franceConnectSub: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName: string;

  /** YYYY-MM-DD as FranceConnect gives it: 00 for an unknown day or month, so not a SQL date. */
  @Column({ type: 'text' })
  birthdate: string;

  @Column({ type: 'text' })
  gender: string;

  /** INSEE code of the birth town (empty for people born abroad). */
  @Column({ type: 'text', nullable: true })
  birthplace: string | null;

  /** INSEE code of the birth country. */
  @Column({ type: 'text', nullable: true })
  birthcountry: string | null;

  @Column({ name: 'preferred_username', type: 'text', nullable: true })
  preferredUsername: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** Names lower-cased without accents, for searching (see searchable()). */
  @Column({ name: 'search_name', type: 'text' })
  searchName: string;

  @Column({ name: 'identity_updated_at', type: 'timestamptz', default: () => 'now()' })
  identityUpdatedAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
