import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { DomainException, ErrorCode } from '@relais/exceptions';
import { parse } from 'csv-parse/sync';

import type { PlaceRecord } from './place-records.js';

/**
 * The rows of a file in the national schema: a JSON array of places, or its CSV form (header row
 * of the schema's field names, `,` or `;` separated, UTF-8 with or without BOM).
 */
export async function readPlaceFile(path: string): Promise<PlaceRecord[]> {
  try {
    return parsePlaceFile(path, (await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new DomainException(ErrorCode.PlacesFileUnreadable, { cause });
  }
}

function parsePlaceFile(path: string, text: string): PlaceRecord[] {
  if (extname(path).toLowerCase() === '.json') {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('The JSON file must hold an array of places.');
    return parsed.map((fields, index) => ({
      line: index + 1,
      fields: fields && typeof fields === 'object' ? (fields as Record<string, unknown>) : {},
    }));
  }
  const delimiter = (text.split('\n', 1)[0].match(/;/g)?.length ?? 0) > 0 ? ';' : ',';
  const rows: { record: Record<string, string>; info: { lines: number } }[] = parse(text, {
    columns: true,
    delimiter,
    info: true,
    skip_empty_lines: true,
    trim: true,
  });
  return rows.map((row) => ({ line: row.info.lines, fields: row.record }));
}
