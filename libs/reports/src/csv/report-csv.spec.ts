import { parse } from 'csv-parse/sync';

import { CSV_DELIMITER, CSV_HEAD, csvRecords } from './report-csv.js';

/** Values a journal entry's cells can hold, the awkward ones first. */
const VALUES = [
  '',
  'plain',
  'a;b',
  'say "hi"',
  '"',
  '""',
  'line\nbreak',
  'carriage\rreturn',
  'both\r\nends',
  '  spaces kept  ',
  '\ufeffBOM inside',
  'Hélène Lefèvre-Çelik',
  '{"area":"papers","note":"a;b \\"c\\""}',
  '=HYPERLINK("http://evil.example/")',
  '🙂 combining é',
];

describe('csvRecords', () => {
  it('given any cell values, when written, then csv-parse reads back exactly the same records', () => {
    const records = VALUES.map((value, index) => [String(index), value, VALUES[VALUES.length - 1 - index]]);

    const read = parse(csvRecords(records), { delimiter: CSV_DELIMITER }) as string[][];

    expect(read).toEqual(records);
  });

  it('quotes a field only when it holds the delimiter, a quote or a line break', () => {
    expect(csvRecords([['a', 'b;c', 'd"e', '', '  f ']])).toBe('a;"b;c";"d""e";;  f \r\n');
    // A lone LF or CR too (csv-stringify, with CRLF records, left them bare: a spreadsheet splits the row there).
    expect(csvRecords([['line\nbreak', 'carriage\rreturn']])).toBe('"line\nbreak";"carriage\rreturn"\r\n');
  });

  it('starts the file with the BOM and the header, CRLF-terminated', () => {
    expect(CSV_HEAD.startsWith('\ufeffsequence;sequence_fin;')).toBe(true);
    expect(CSV_HEAD.endsWith(';hash\r\n')).toBe(true);
  });
});
