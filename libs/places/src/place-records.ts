import {
  fromSchemaLieuDeMediationNumerique,
  type SchemaLieuMediationNumerique,
} from '@gouvfr-anct/lieux-de-mediation-numerique';
import { searchable } from '@relais/text';

import type { MediationPlace } from './entities/mediation-place.entity.js';

/** A row of an import file: where it is (line of a CSV, item of a JSON array) and its fields. */
export interface PlaceRecord {
  /** 1-based: the CSV line (header is line 1) or the position in the JSON array. */
  line: number;
  fields: Record<string, unknown>;
}

export type NewPlace = Omit<MediationPlace, 'id' | 'department' | 'importedAt'>;

/** Why a row was skipped, in French, naming the field when the schema does. */
export interface RejectedRecord {
  line: number;
  field: string | null;
  reason: string;
}

const NUMBER_FIELDS = ['latitude', 'longitude'] as const;
const MAX_FIELD_LENGTH = 5_000;

/**
 * Validates a row against the national schema (the ANCT library's own rules: SIRET/RNA pivot,
 * postcode, services, access modes… with its French messages) plus what it leaves open
 * (coordinates in range, text sizes), and maps it to a place.
 */
export function placeFromRecord(record: PlaceRecord): NewPlace | RejectedRecord {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.fields)) {
    if (value === '' || value === null || value === undefined) continue;
    if (typeof value === 'string' && value.length > MAX_FIELD_LENGTH)
      return { line: record.line, field: key, reason: `Le champ ${key} est trop long.` };
    fields[key] = value;
  }
  for (const key of NUMBER_FIELDS) {
    if (fields[key] === undefined) continue;
    const value = typeof fields[key] === 'string' ? Number(String(fields[key]).replace(',', '.')) : fields[key];
    const limit = key === 'latitude' ? 90 : 180;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit)
      return { line: record.line, field: key, reason: `La ${key} doit être un nombre entre -${limit} et ${limit}.` };
    fields[key] = value;
  }
  for (const key of ['id', 'nom', 'adresse', 'commune', 'code_postal', 'date_maj', 'pivot']) {
    if (typeof fields[key] !== 'string' || !String(fields[key]).trim())
      return { line: record.line, field: key, reason: `Le champ obligatoire ${key} est absent.` };
  }
  try {
    const place = fromSchemaLieuDeMediationNumerique(fields as unknown as SchemaLieuMediationNumerique);
    return {
      sourceId: place.id,
      name: place.nom,
      street: place.adresse.voie,
      addressComplement: place.adresse.complement_adresse ?? null,
      postcode: place.adresse.code_postal,
      town: place.adresse.commune,
      searchTown: searchable(place.adresse.commune),
      latitude: place.localisation?.latitude ?? null,
      longitude: place.localisation?.longitude ?? null,
      openingHours: place.horaires ?? null,
      services: [...(place.services ?? [])],
      specificSupport: [...(place.prise_en_charge_specifique ?? [])],
      accessModes: [...(place.modalites_acces ?? [])],
      supportModes: [...(place.modalites_accompagnement ?? [])],
      fees: [...(place.frais_a_charge ?? [])],
      accessibilityUrl: place.fiche_acces_libre ?? null,
      phone: place.contact?.telephone ?? null,
      emails: [...(place.contact?.courriels ?? [])],
      website: place.contact?.site_web?.[0] ?? null,
      updatedOn: place.date_maj.toISOString().slice(0, 10),
    };
  } catch (error) {
    const { message, key } = error as { message?: string; key?: string };
    return { line: record.line, field: key ?? null, reason: message ?? 'Ligne illisible.' };
  }
}

export function isRejected(result: NewPlace | RejectedRecord): result is RejectedRecord {
  return 'reason' in result;
}
