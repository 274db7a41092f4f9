import { readPdf } from '@relais/testing';

import {
  type FromDrawing,
  ReportPdfDrawing,
  type ReportPdfContent,
  TAGGED_CELLS_MAX_ENTRIES,
} from './report-pdf-drawing.js';

const COLUMNS = ['N°', 'Date (Paris)', 'Action', 'Aidant', 'Usager', 'Démarche', 'Empreinte'];

/** Draws `total` rows (in batches, as the main thread sends them) and returns the PDF's bytes. */
async function draw(total: number): Promise<Buffer> {
  const content: ReportPdfContent = {
    info: { title: 'Journal des actions', creationDate: new Date('2026-12-01T10:00:00Z') },
    total,
    footer: 'Mairie — du 1er au 2 décembre 2026',
    cover: {
      brand: 'Relais',
      paragraphs: [
        { text: 'Journal des actions', size: 26 },
        { text: 'Filtres : aucun', size: 13 },
      ],
    },
    summary: {
      title: 'Synthèse',
      intro: 'Nombre d’entrées par type d’action :',
      chart: [{ label: 'Mandat accepté par l’usager', count: total }],
      columns: [
        { caption: 'Par type d’action', rows: [{ label: 'Mandat accepté', count: String(total) }], none: 'Aucune.' },
      ],
    },
    table: {
      title: 'Les entrées du journal',
      columns: COLUMNS.map((title, index) => ({ title, width: index === 6 ? null : 90 })),
      empty: 'Aucune entrée.',
    },
  };
  const chunks: Uint8Array[] = [];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const drawing = new ReportPdfDrawing(content, (message: FromDrawing) => {
    if (message.type === 'chunk') chunks.push(message.data);
    if (message.type === 'ended') ended();
  });
  for (let from = 0; from < total; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, total - from) }, (_, index) => [
      String(from + index + 1),
      '01/12/2026 10:00:00',
      'Mandat accepté',
      'Lucie Martin',
      '',
      'Papiers',
      'ab12cd34ef56',
    ]);
    drawing.rows(rows);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await drawing.appendix({
    title: 'Annexe : preuve d’intégrité',
    paragraphs: [{ text: 'Ancrage', size: 9 }],
    seal: 'eyJ.x.y',
  });
  await done;
  return Buffer.concat(chunks);
}

const count = (roles: string[], role: string) => roles.filter((name) => name === role).length;

describe('ReportPdfDrawing (tagged PDF)', () => {
  it('given a report of 40 entries, then it is tagged with headings, a described chart, and the entries as a table of header and data cells', async () => {
    const pdf = await readPdf(await draw(40));

    const roles = pdf.tags.map((tag) => tag.role);
    expect(pdf.tagged).toBe(true);
    expect(roles).toEqual(expect.arrayContaining(['Document', 'H1', 'H2', 'H3', 'Table', 'THead', 'TBody', 'TR']));
    expect(pdf.tags.find((tag) => tag.role === 'Figure')?.alt).toBe(
      'Diagramme en barres : Mandat accepté par l’usager : 40.',
    );
    expect(count(roles, 'TD')).toBeGreaterThanOrEqual(40 * COLUMNS.length);
    expect(count(roles, 'TH')).toBeGreaterThanOrEqual(COLUMNS.length);
    expect(pdf.text).toMatch(/Page 1 \/ \d+/);
  });

  it(`given more than ${TAGGED_CELLS_MAX_ENTRIES} entries, then each entry is one tagged paragraph instead of seven cells`, async () => {
    const total = TAGGED_CELLS_MAX_ENTRIES + 1;

    const pdf = await readPdf(await draw(total));

    const roles = pdf.tags.map((tag) => tag.role);
    expect(pdf.tagged).toBe(true);
    expect(count(roles, 'TD')).toBe(1);
    expect(count(roles, 'P')).toBeGreaterThanOrEqual(total);
    expect(pdf.pages.at(-2)).toContain(String(total));
  }, 60_000);
});
