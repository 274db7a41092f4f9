import { MembershipRole } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { unzipSync, zipSync } from 'fflate';
import writeXlsxFile from 'write-excel-file/node';

import {
  countRows,
  MAX_IMPORT_ROWS,
  MAX_XLSX_UNZIPPED_BYTES,
  previewRows,
  readCells,
  rowsFromCells,
} from './aide-rows.js';

const HEADER = ['Prénom', 'Nom', 'Adresse électronique', 'Rôle', 'Formé'];

describe('reading an aide file', () => {
  it('reads a CSV with semicolons, a BOM and columns in any order', async () => {
    const csv = '\uFEFFNom;Prénom;Formé;Rôle;Courriel\nMartin;Léa;oui;aidante;Lea.Martin@Exemple.fr\n;;;;\n';
    const rows = rowsFromCells(await readCells(Buffer.from(csv)));
    expect(rows).toEqual([
      {
        line: 2,
        givenName: 'Léa',
        familyName: 'Martin',
        email: 'lea.martin@exemple.fr',
        role: MembershipRole.Aide,
        roleText: 'aidante',
        trained: true,
      },
    ]);
  });

  it('reads a CSV saved by Excel on Windows (Windows-1252), accents and all', async () => {
    const text = 'Prénom;Nom;Adresse électronique;Rôle;Formé\nHélène;Lefèvre-Çelik;helene@exemple.fr;aidante;oui\n';
    const windows1252 = Buffer.from(text, 'latin1');
    expect(windows1252.includes(Buffer.from('é', 'utf8'))).toBe(false);
    const rows = rowsFromCells(await readCells(windows1252));
    expect(rows).toMatchObject([{ givenName: 'Hélène', familyName: 'Lefèvre-Çelik', trained: true }]);
  });

  it('reads the first sheet of an XLSX file', async () => {
    const file = await writeXlsxFile([
      HEADER.map((value) => ({ value })),
      ['Paul', 'Durand', 'paul@exemple.fr', 'responsable', 'non'].map((value) => ({ value })),
    ]).toBuffer();
    const rows = rowsFromCells(await readCells(file));
    expect(rows).toMatchObject([
      { line: 2, email: 'paul@exemple.fr', role: MembershipRole.Supervisor, trained: false },
    ]);
  });

  it('says which columns are missing, in French', async () => {
    const read = async () => rowsFromCells(await readCells(Buffer.from('prénom,nom\nLéa,Martin\n')));
    await expect(read()).rejects.toThrow(DomainException);
    await read().catch((error: DomainException) => {
      expect(error.code).toBe(ErrorCode.AideImportFileUnreadable);
      expect(error.userMessage).toContain('Il manque les colonnes « adresse électronique », « rôle », « formé ».');
    });
  });

  it('refuses at once an XLSX "zip bomb": small, but gigabytes once unzipped', async () => {
    const file = await writeXlsxFile([HEADER.map((value) => ({ value }))]).toBuffer();
    const entries = unzipSync(new Uint8Array(file));
    const sheet = Object.keys(entries).find((name) => name.endsWith('sheet1.xml'))!;
    const padded = Buffer.from(entries[sheet])
      .toString()
      .replace('<sheetData>', `<sheetData>${' '.repeat(MAX_XLSX_UNZIPPED_BYTES)}`);
    entries[sheet] = Buffer.from(padded);
    const bomb = Buffer.from(zipSync(entries, { level: 9 }));
    expect(bomb.length).toBeLessThan(100_000);

    await expect(readCells(bomb)).rejects.toMatchObject({
      code: ErrorCode.AideImportFileUnreadable,
      userMessage: expect.stringContaining('trop gros une fois décompressé'),
    });
  });

  it('reads a full-size XLSX file (the most rows allowed) within the unzipped limit', async () => {
    const lines = Array.from({ length: MAX_IMPORT_ROWS }, (_, index) =>
      [
        'Marie-Françoise',
        `Durand-Lefèvre ${index}`,
        `marie.durand.${index}@exemple-structure.fr`,
        'responsable',
        'oui',
      ].map((value) => ({ value })),
    );
    const file = await writeXlsxFile([HEADER.map((value) => ({ value })), ...lines]).toBuffer();
    expect(await readCells(file)).toHaveLength(MAX_IMPORT_ROWS + 1);
  });

  it('refuses a file that is neither CSV nor XLSX', async () => {
    await expect(readCells(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]))).rejects.toMatchObject({
      code: ErrorCode.AideImportFileUnreadable,
    });
  });
});

describe('the preview of an import', () => {
  const rows = (lines: string[][]) => rowsFromCells([HEADER, ...lines]);

  it('names each bad row and why, marks duplicates within the file and existing members', () => {
    const preview = previewRows(
      rows([
        ['Léa', 'Martin', 'lea@exemple.fr', 'aidant', 'oui'],
        ['', 'Sans', 'pas-une-adresse', 'chef', 'peut-être'],
        ['Léa', 'Martin', 'LEA@exemple.fr', 'aidant', 'oui'],
        ['Marc', 'Petit', 'marc@exemple.fr', 'aidant', 'non'],
      ]),
      new Set(['marc@exemple.fr']),
    );
    expect(preview.map((row) => row.status)).toEqual(['new', 'invalid', 'invalid', 'member']);
    expect(preview[1].problems).toEqual([
      'Le prénom manque.',
      'L’adresse électronique « pas-une-adresse » n’est pas valide.',
      'Rôle inconnu : « chef ». Écrivez « aidant » ou « responsable ».',
      'Formé : écrivez « oui » ou « non ».',
    ]);
    expect(preview[2].problems).toEqual(['Adresse en double : elle est déjà à la ligne 2.']);
    expect(countRows(preview)).toEqual({ total: 4, new: 1, members: 1, invalid: 2 });
  });
});
