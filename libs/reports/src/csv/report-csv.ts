import { canonicalJson } from '@relais/audit';
import { stringify } from 'csv-stringify/sync';

import { auditActionLabel } from '../audit-action-labels.js';
import type { ReportEntry } from '../services/report-entries.service.js';

/** `;` because French spreadsheets use the comma for decimals and open `;` files as columns. */
export const CSV_DELIMITER = ';';

/**
 * The columns of a CSV report. Those marked `chained` are the entry's canonical fields (the hash
 * covers them, so the chain can be recomputed from the file); the others are there to read it.
 */
export const CSV_COLUMNS = [
  'sequence',
  'sequence_fin',
  'horodatage_utc',
  'date_paris',
  'action',
  'libelle',
  'type_acteur',
  'acteur_id',
  'acteur',
  'structure_id',
  'usager_id',
  'usager',
  'mandat_id',
  'evenement_id',
  'details',
  'hash_precedent',
  'hash',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

const blank = (value: string | null) => value ?? '';

/** One journal entry as a CSV record, in CSV_COLUMNS order (an array literal: this runs a million times). */
export function entryRecord(entry: ReportEntry): string[] {
  return [
    entry.seq,
    '',
    entry.occurredAt,
    entry.parisTime,
    entry.action,
    auditActionLabel(entry.action),
    entry.actorType,
    blank(entry.actorId),
    blank(entry.actorName),
    blank(entry.structureId),
    blank(entry.citizenId),
    blank(entry.citizenName),
    blank(entry.mandateId),
    entry.eventId,
    canonicalJson(entry.details),
    entry.prevHash,
    entry.hash,
  ];
}

/**
 * Entries `from` to `to` of the journal that are not part of this export (another structure,
 * another aide, outside the filters): only how the chain runs through them, no content.
 */
export function rangeRecord(from: bigint, to: bigint, prevHash: string, hash: string): string[] {
  const label =
    from === to ? `Entrée n° ${from} : hors de cet export` : `Entrées n° ${from} à ${to} : hors de cet export`;
  return CSV_COLUMNS.map((column) => {
    if (column === 'sequence') return String(from);
    if (column === 'sequence_fin') return String(to);
    if (column === 'libelle') return label;
    if (column === 'hash_precedent') return prevHash;
    if (column === 'hash') return hash;
    return '';
  });
}

/** RFC 4180 records, CRLF, quoted when needed (csv-stringify). */
export function csvRecords(records: string[][]): string {
  return stringify(records, { delimiter: CSV_DELIMITER, record_delimiter: 'windows' });
}

/** The first bytes of the file: the UTF-8 BOM (spreadsheets then read the accents) and the header. */
export const CSV_HEAD = '\ufeff' + csvRecords([[...CSV_COLUMNS]]);
