import { canonicalJson } from '@relais/audit';

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

/** What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A name as a cell no spreadsheet runs: one typed as `=HYPERLINK(…)` (an aide's import file, say)
 * gets a leading `'`, which spreadsheets show as text. Only for names: they are not chained, so
 * the file still verifies; the chained columns never start so (digits, codes, ids, `{`).
 */
function asText(value: string | null): string {
  return value && FORMULA_START.test(value) ? `'${value}` : blank(value);
}

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
    asText(entry.actorName),
    blank(entry.structureId),
    blank(entry.citizenId),
    asText(entry.citizenName),
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

/** A field that must be quoted: it holds the delimiter, a quote or a line break. */
const NEEDS_QUOTES = /[;"\r\n]/;

/**
 * RFC 4180 records, CRLF, a field quoted (its quotes doubled) only when it must be. Written here
 * rather than with csv-stringify, which took 38 % of a million-row export's CPU and most of its
 * garbage (docs/performance.md, `bench/reports.ts`); csv-parse reads it back in the tests.
 */
export function csvRecords(records: string[][]): string {
  let text = '';
  for (const record of records) {
    for (let index = 0; index < record.length; index++) {
      const value = record[index];
      if (index > 0) text += CSV_DELIMITER;
      text += NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
    }
    text += '\r\n';
  }
  return text;
}

/** The first bytes of the file: the UTF-8 BOM (spreadsheets then read the accents) and the header. */
export const CSV_HEAD = '\ufeff' + csvRecords([[...CSV_COLUMNS]]);
