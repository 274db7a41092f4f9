import { isUtf8 } from 'node:buffer';

import { MembershipRole, normalizeEmail } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { isEmail } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { Unzip, UnzipInflate } from 'fflate';
import { readSheet } from 'read-excel-file/node';

/** A file bigger than this is refused by the upload itself (multer). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** Rows (besides the header) one file may hold. */
export const MAX_IMPORT_ROWS = 10_000;
/**
 * An XLSX file is a ZIP archive, so 5 MB can unzip to gigabytes (a "zip bomb": 500 kB of
 * compressed spaces kept the parser busy 90 s and took 1.7 GB). The archive is first unzipped
 * with a counter and refused past this, before the parser sees it. A file of 10,000 aides is
 * about 2.7 MB unzipped.
 */
export const MAX_XLSX_UNZIPPED_BYTES = 20 * 1024 * 1024;

/** One aide of a file, as read; `line` is the line of the file (the header is line 1). */
export interface ImportRow {
  line: number;
  givenName: string;
  familyName: string;
  email: string;
  role: MembershipRole | null;
  /** The role as written, to name a wrong one. */
  roleText: string;
  trained: boolean | null;
}

export type ImportRowStatus = 'new' | 'member' | 'invalid';

export interface PreviewRow extends ImportRow {
  status: ImportRowStatus;
  /** Why the row is invalid, in French (empty otherwise). */
  problems: string[];
}

export interface ImportCounts {
  total: number;
  new: number;
  members: number;
  invalid: number;
}

type Column = 'givenName' | 'familyName' | 'email' | 'role' | 'trained';

/** Header names people use, without accents, case, spaces or punctuation. */
const HEADERS: Record<string, Column> = {
  prenom: 'givenName',
  givenname: 'givenName',
  nom: 'familyName',
  nomdefamille: 'familyName',
  familyname: 'familyName',
  email: 'email',
  mail: 'email',
  courriel: 'email',
  adresseelectronique: 'email',
  adressemail: 'email',
  adresseemail: 'email',
  role: 'role',
  forme: 'trained',
  formee: 'trained',
  formation: 'trained',
  trained: 'trained',
  habilitation: 'trained',
};

const COLUMN_NAMES: Record<Column, string> = {
  givenName: 'prénom',
  familyName: 'nom',
  email: 'adresse électronique',
  role: 'rôle',
  trained: 'formé',
};

const ROLES: Record<string, MembershipRole> = {
  aidant: MembershipRole.Aide,
  aidante: MembershipRole.Aide,
  aide: MembershipRole.Aide,
  responsable: MembershipRole.Supervisor,
  responsabledestructure: MembershipRole.Supervisor,
  supervisor: MembershipRole.Supervisor,
};

const YES = new Set(['oui', 'o', 'yes', 'y', 'vrai', 'true', '1', 'x']);
const NO = new Set(['non', 'n', 'no', 'faux', 'false', '0']);

/** "Prénom " → "prenom", "Adresse électronique" → "adresseelectronique". */
function key(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export function parseRole(value: string): MembershipRole | null {
  return ROLES[key(value)] ?? null;
}

/** oui / non (and yes/no, 1/0, x): null when it is neither. */
export function parseTrained(value: string): boolean | null {
  const word = key(value);
  if (YES.has(word)) return true;
  if (NO.has(word)) return false;
  return null;
}

const unreadable = (reason: string) => new DomainException(ErrorCode.AideImportFileUnreadable, { params: { reason } });

/** XLSX files are ZIP archives: they start with "PK\x03\x04". Anything else is read as CSV. */
function isXlsx(file: Buffer): boolean {
  return file.length > 4 && file.readUInt32LE(0) === 0x04034b50;
}

/** Whether the archive's entries, really inflated (not as their headers claim), stay within `limit` bytes. */
function unzipsWithin(file: Buffer, limit: number): boolean {
  let total = 0;
  const unzip = new Unzip((entry) => {
    entry.ondata = (error, chunk) => {
      total += error ? 0 : chunk.length;
      if (total > limit) entry.terminate();
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(file, true);
  } catch {
    return true; // Not a readable archive: the parser refuses it with its own message.
  }
  return total <= limit;
}

/**
 * A CSV's text: UTF-8 when it is valid UTF-8, else Windows-1252, which Excel on Windows writes
 * for "CSV (séparateur : point-virgule)" (é is then one byte, 0xE9, never valid UTF-8 alone).
 */
function csvText(file: Buffer): string {
  return isUtf8(file) ? file.toString('utf8') : new TextDecoder('windows-1252').decode(file);
}

/** The cells of the file's first sheet (XLSX, read-excel-file) or of the CSV (csv-parse), as text. */
export async function readCells(file: Buffer): Promise<string[][]> {
  if (isXlsx(file)) {
    if (!unzipsWithin(file, MAX_XLSX_UNZIPPED_BYTES)) {
      throw unreadable(
        'Ce fichier Excel est trop gros une fois décompressé. Enregistrez-le au format .csv ou coupez-le en plusieurs fichiers.',
      );
    }
    try {
      const sheet = await readSheet(file);
      return sheet.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
    } catch {
      throw unreadable('Ce fichier Excel ne peut pas être lu. Enregistrez-le de nouveau au format .xlsx ou .csv.');
    }
  }
  if (file.includes(0)) {
    throw unreadable('Ce fichier n’est ni un tableau Excel (.xlsx) ni un fichier CSV. Choisissez un autre fichier.');
  }
  try {
    return parse(csvText(file), {
      bom: true,
      delimiter: [';', ',', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch {
    throw unreadable('Ce fichier CSV ne peut pas être lu. Vérifiez qu’il sépare les colonnes par des points-virgules.');
  }
}

/**
 * The rows of a file: its first line names the columns (prénom, nom, adresse électronique, rôle,
 * formé, in any order; other columns are ignored). Empty lines are skipped.
 */
export function rowsFromCells(cells: string[][]): ImportRow[] {
  const [header, ...lines] = cells;
  const positions = new Map<Column, number>();
  (header ?? []).forEach((name, index) => {
    const column = HEADERS[key(name)];
    if (column && !positions.has(column)) positions.set(column, index);
  });
  const missing = (Object.keys(COLUMN_NAMES) as Column[]).filter((column) => !positions.has(column));
  if (missing.length > 0) {
    throw unreadable(
      `Il manque ${missing.length > 1 ? 'les colonnes' : 'la colonne'} ${missing.map((c) => `« ${COLUMN_NAMES[c]} »`).join(', ')}. La première ligne du fichier doit nommer les colonnes : prénom, nom, adresse électronique, rôle, formé.`,
    );
  }
  if (lines.length > MAX_IMPORT_ROWS) {
    throw unreadable(
      `Le fichier a ${lines.length} lignes : ${MAX_IMPORT_ROWS} au plus. Coupez-le en plusieurs fichiers.`,
    );
  }
  const cell = (line: string[], column: Column) => (line[positions.get(column)!] ?? '').trim();
  const rows: ImportRow[] = [];
  lines.forEach((line, index) => {
    if (line.every((value) => value.trim() === '')) return;
    rows.push({
      line: index + 2,
      givenName: cell(line, 'givenName'),
      familyName: cell(line, 'familyName'),
      email: normalizeEmail(cell(line, 'email')),
      role: parseRole(cell(line, 'role')),
      roleText: cell(line, 'role'),
      trained: parseTrained(cell(line, 'trained')),
    });
  });
  return rows;
}

/** What is wrong with one row on its own, in French (empty when it is fine). */
export function rowProblems(row: ImportRow, { withRole = true } = {}): string[] {
  const problems: string[] = [];
  if (!row.givenName) problems.push('Le prénom manque.');
  if (!row.familyName) problems.push('Le nom manque.');
  if (!row.email) problems.push('L’adresse électronique manque.');
  else if (row.email.length > 254 || !isEmail(row.email)) {
    problems.push(`L’adresse électronique « ${row.email} » n’est pas valide.`);
  }
  if (withRole && !row.role) {
    problems.push(
      row.roleText
        ? `Rôle inconnu : « ${row.roleText} ». Écrivez « aidant » ou « responsable ».`
        : 'Le rôle manque : écrivez « aidant » ou « responsable ».',
    );
  }
  if (row.trained === null) problems.push('Formé : écrivez « oui » ou « non ».');
  return problems;
}

/**
 * Each row's status: invalid (its problems, or an address already on an earlier line of the
 * file), already a member of the structure (`members`: lower-cased addresses), or new.
 */
export function previewRows(rows: ImportRow[], members: ReadonlySet<string>): PreviewRow[] {
  const firstLine = new Map<string, number>();
  return rows.map((row) => {
    const problems = rowProblems(row);
    const seen = row.email ? firstLine.get(row.email) : undefined;
    if (seen !== undefined) problems.push(`Adresse en double : elle est déjà à la ligne ${seen}.`);
    else if (row.email) firstLine.set(row.email, row.line);
    if (problems.length > 0) return { ...row, status: 'invalid', problems };
    return { ...row, status: members.has(row.email) ? 'member' : 'new', problems };
  });
}

export function countRows(rows: readonly PreviewRow[]): ImportCounts {
  const counts: ImportCounts = { total: rows.length, new: 0, members: 0, invalid: 0 };
  for (const row of rows) {
    if (row.status === 'new') counts.new += 1;
    else if (row.status === 'member') counts.members += 1;
    else counts.invalid += 1;
  }
  return counts;
}
