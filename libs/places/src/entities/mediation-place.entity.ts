import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const list = { type: 'text' as const, array: true, default: () => "'{}'" };

/** A digital mediation place from the national open-data schema: public data, no personal data. */
@Entity({ name: 'mediation_places' })
export class MediationPlace {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  /** The schema's `id`: unique in a file, so a re-import replaces the same place. */
  @Column({ name: 'source_id', type: 'text' })
  sourceId: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'street', type: 'text' })
  street: string;

  @Column({ name: 'address_complement', type: 'text', nullable: true })
  addressComplement: string | null;

  @Column({ name: 'postcode', type: 'char', length: 5 })
  postcode: string;

  @Column({ name: 'town', type: 'text' })
  town: string;

  /** Derived from the postcode by the database (2A/2B, 97x). */
  @Column({ name: 'department', type: 'text', insert: false, update: false, nullable: true })
  readonly department: string | null;

  /** The town without accents or case, for the search. */
  @Column({ name: 'search_town', type: 'text' })
  searchTown: string;

  @Column({ name: 'latitude', type: 'double precision', nullable: true })
  latitude: number | null;

  @Column({ name: 'longitude', type: 'double precision', nullable: true })
  longitude: number | null;

  /** OpenStreetMap `opening_hours` syntax, as the schema has it (`Mo-Fr 09:00-12:00`). */
  @Column({ name: 'opening_hours', type: 'text', nullable: true })
  openingHours: string | null;

  @Column({ name: 'services', ...list })
  services: string[];

  /** The schema's `prise_en_charge_specifique` (deafness, visual impairment, languages…). */
  @Column({ name: 'specific_support', ...list })
  specificSupport: string[];

  @Column({ name: 'access_modes', ...list })
  accessModes: string[];

  @Column({ name: 'support_modes', ...list })
  supportModes: string[];

  @Column({ name: 'fees', ...list })
  fees: string[];

  /** Accessibility sheet (acceslibre). */
  @Column({ name: 'accessibility_url', type: 'text', nullable: true })
  accessibilityUrl: string | null;

  @Column({ name: 'phone', type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'emails', ...list })
  emails: string[];

  @Column({ name: 'website', type: 'text', nullable: true })
  website: string | null;

  @Column({ name: 'updated_on', type: 'date' })
  updatedOn: string;

  @Column({ name: 'imported_at', type: 'timestamptz', default: () => 'now()' })
  importedAt: Date;
}
