import { createHash } from 'node:crypto';

import { toWinAnsi } from '@relais/attestations';
import { frenchDate, frenchDateTime } from '@relais/dates';
import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';
import PDFDocument from 'pdfkit';

import { auditActionLabel } from '../audit-action-labels.js';
import type { ChainPoint, ReportAnchor } from '../interfaces/report-manifest.interface.js';
import type { DigestOutput } from '../services/digest-output.js';
import type { ReportEntry, ReportSummary } from '../services/report-entries.service.js';
import type { ReportJob } from '../services/report-writer.service.js';

export interface ReportPdfInput {
  job: ReportJob;
  generatedAt: Date;
  total: number;
  summary: ReportSummary;
  pages: AsyncIterable<ReportEntry[]>;
  anchors: (first: ChainPoint | null, last: ChainPoint | null) => Promise<{ start: ReportAnchor; end: ReportAnchor }>;
  sign: (payload: object) => Promise<string>;
}

/** What the appendix's signature covers: the entries of the PDF, by sequence number and hash. */
export const REPORT_ENTRIES_KIND = 'relais.audit.report.entries';

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const;
const COLOR = {
  text: '#161616',
  heading: '#000091',
  muted: '#3a3a3a',
  rule: '#929292',
  band: '#eeeeee',
  bar: '#000091',
};
const MARGIN = 40;
const ROW = 14;
const CELL = 8;

/** Fast path: most cells are ASCII or Latin-1 already; only the others go through toWinAnsi. */
const DRAWABLE = /^[\x20-\x7e\u00a0-\u00ff’«»œŒ€–—…]*$/;
const safe = (text: string) => (DRAWABLE.test(text) ? text : toWinAnsi(text));

/** Cuts a cell to what fits its column (Helvetica is about 0.55 em wide per character on average). */
const fitted = new Map<string, string>();

/**
 * Cuts a cell to what fits its width in Helvetica at `size`, measured (widthOfString) and kept:
 * cells repeat (labels, names, dates to the second), so a long report measures few strings.
 */
function fit(doc: PDFKit.PDFDocument, text: string, width: number, size = CELL): string {
  const key = `${width}|${size}|${text}`;
  const known = fitted.get(key);
  if (known !== undefined) return known;
  if (fitted.size > 20_000) fitted.clear();
  doc.font(FONT.regular).fontSize(size);
  let drawable = safe(text);
  if (doc.widthOfString(drawable) > width) {
    while (drawable.length > 1 && doc.widthOfString(drawable + '…') > width) drawable = drawable.slice(0, -1);
    drawable += '…';
  }
  fitted.set(key, drawable);
  return drawable;
}

const areaLabel = (entry: ReportEntry): string => {
  const details = entry.details as { area?: unknown; areas?: unknown };
  const codes = typeof details.area === 'string' ? [details.area] : Array.isArray(details.areas) ? details.areas : [];
  return codes.map((code) => PROCEDURE_AREA_LABELS[code as ProcedureArea] ?? String(code)).join(', ');
};

interface Column {
  title: string;
  width: number;
  value: (entry: ReportEntry) => string;
}

/**
 * The PDF report: cover, summary with a bar chart, the entries as a table (headers repeated on
 * each page), the appendix with the chain anchors and the platform's signature, "Page X / Y" on
 * every page. The layout is fixed (one cover, one summary page, a known number of rows per table
 * page, one appendix page), so the page count is known before the first page is written and every
 * page goes out as soon as it is done: memory stays flat whatever the number of entries.
 */
export async function renderReportPdf(
  input: ReportPdfInput,
  output: DigestOutput,
  onProgress: (done: number) => unknown,
): Promise<{
  count: number;
  firstEntry: ChainPoint | null;
  lastEntry: ChainPoint | null;
  anchors: { start: ReportAnchor; end: ReportAnchor };
}> {
  const { job } = input;
  const citizen = job.citizenCopy === true;
  const title = citizen ? 'Ce qui a été fait pour vous avec vos mandats' : 'Journal des actions';
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, bottom: MARGIN + 10, left: MARGIN, right: MARGIN },
    pdfVersion: '1.7',
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: title, Author: 'Relais', Creator: 'Relais', CreationDate: input.generatedAt },
  });
  const sink = new PdfSink(doc, output);

  const width = doc.page.width - 2 * MARGIN;
  const text = (
    value: string,
    x: number,
    y: number,
    size: number,
    font: keyof typeof FONT = 'regular',
    color = COLOR.text,
  ) => doc.font(FONT[font]).fontSize(size).fillColor(color).text(safe(value), x, y, { lineBreak: false });
  const paragraph = (value: string, size = 11, font: keyof typeof FONT = 'regular', color = COLOR.text) => {
    doc.font(FONT[font]).fontSize(size).fillColor(color).text(safe(value), MARGIN, doc.y, { width, lineGap: 2 });
    doc.moveDown(0.4);
  };
  const heading = (value: string) => {
    doc.moveDown(0.6);
    paragraph(value, 15, 'bold', COLOR.heading);
  };
  const pageTitle = (value: string) => {
    text(value, MARGIN, MARGIN, 15, 'bold', COLOR.heading);
    doc.y = MARGIN + 28;
  };

  const totalPages = 3 + tablePages(input.total, doc.page.height);
  let pageNumber = 0;
  const footer = () => {
    pageNumber++;
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN + 8;
    const where = `${job.structure?.name ?? title} — du ${frenchDay(job.criteria.fromDay)} au ${frenchDay(job.criteria.toDay)}`;
    text(where, MARGIN, y, 8, 'regular', COLOR.muted);
    const label = `Page ${pageNumber} / ${totalPages}`;
    doc.font(FONT.regular).fontSize(8);
    text(label, doc.page.width - MARGIN - doc.widthOfString(label), y, 8, 'regular', COLOR.muted);
    doc.page.margins.bottom = margin;
    doc.x = MARGIN;
    doc.y = MARGIN;
  };
  doc.on('pageAdded', footer);
  footer();

  // Cover
  text('Relais', MARGIN, MARGIN, 11, 'bold', COLOR.heading);
  doc.y = 130;
  paragraph(title, 26, 'bold', COLOR.heading);
  if (job.structure) paragraph(`${job.structure.name} (SIRET ${job.structure.siret})`, 15, 'bold');
  paragraph(`Période : du ${frenchDay(job.criteria.fromDay)} au ${frenchDay(job.criteria.toDay)} inclus`, 13);
  paragraph(job.filterLabels.length ? `Filtres : ${job.filterLabels.join(' ; ')}` : 'Filtres : aucun', 13);
  paragraph(`Produit le ${frenchDateTime(input.generatedAt)} (heure de Paris), par ${job.generatedBy.name}`, 13);
  paragraph(`${input.total} entrée${input.total === 1 ? '' : 's'} du journal.`, 13);
  doc.moveDown(1);
  paragraph(
    citizen
      ? 'Ce relevé liste tout ce que les aidants ont fait en votre nom avec vos mandats. Il est signé par Relais : personne ne peut le modifier sans que cela se voie.'
      : 'Ce rapport reprend le journal de responsabilité de Relais : qui a fait quoi, pour qui, sous quel mandat. Il est signé par la plateforme ; l’annexe donne de quoi vérifier qu’il est authentique et complet (page de vérification : /verify/rapport, avec le fichier de signature .jws).',
    11,
    'regular',
    COLOR.muted,
  );

  // Summary: one page, the chart then three columns of counts
  doc.addPage();
  pageTitle('Synthèse');
  const byAction = input.summary.byAction.map((row) => ({ label: auditActionLabel(row.action), count: row.count }));
  paragraph(
    byAction.length > 0 ? 'Nombre d’entrées par type d’action (les 10 plus fréquents) :' : 'Aucune entrée.',
    10,
    'regular',
    COLOR.muted,
  );
  barChart(doc, byAction.slice(0, 10), width);
  const columns3: [string, { label: string; count: number }[]][] = [
    ['Par type d’action', byAction],
    ...(citizen
      ? []
      : ([
          [
            'Par aidant',
            input.summary.byAide.map((row) => ({ label: row.name ?? 'Aidant supprimé', count: row.count })),
          ],
        ] as [string, { label: string; count: number }[]][])),
    [
      'Par démarche',
      input.summary.byArea.map((row) => ({
        label: PROCEDURE_AREA_LABELS[row.area as ProcedureArea] ?? row.area,
        count: row.count,
      })),
    ],
  ];
  const top = doc.y + 24;
  const columnWidth = width / 3;
  columns3.forEach(([caption, rows], index) => {
    const x = MARGIN + index * columnWidth;
    text(caption, x, top, 12, 'bold', COLOR.heading);
    const shown = rows.slice(0, SUMMARY_ROWS);
    const rest = rows.slice(SUMMARY_ROWS).reduce((sum, row) => sum + row.count, 0);
    if (rest > 0) shown.push({ label: `Autres (${rows.length - SUMMARY_ROWS})`, count: rest });
    if (shown.length === 0) text('Aucune.', x, top + 22, 9);
    shown.forEach((row, line) => {
      const y = top + 22 + line * 14;
      text(fit(doc, row.label, columnWidth - 70, 9), x, y, 9);
      text(String(row.count), x + columnWidth - 60, y, 9, 'bold');
    });
  });

  // Entries
  const columns: Column[] = citizen
    ? [
        { title: 'Date (Paris)', width: 95, value: (e) => e.parisTime },
        { title: 'Ce qui a été fait', width: 230, value: (e) => auditActionLabel(e.action) },
        {
          title: 'Par',
          width: 120,
          value: (e) =>
            e.actorType === 'citizen' ? 'Vous' : e.actorType === 'system' ? 'Relais' : (e.actorName ?? ''),
        },
        { title: 'Structure', width: 187, value: (e) => e.structureName ?? '' },
        { title: 'Démarche', width: width - 632, value: areaLabel },
      ]
    : [
        { title: 'N°', width: 52, value: (e) => e.seq },
        { title: 'Date (Paris)', width: 92, value: (e) => e.parisTime },
        { title: 'Action', width: 196, value: (e) => auditActionLabel(e.action) },
        { title: 'Aidant', width: 110, value: (e) => e.actorName ?? (e.actorType === 'aide' ? '' : '—') },
        { title: 'Usager', width: 110, value: (e) => e.citizenName ?? (e.citizenId ? 'Données effacées' : '') },
        { title: 'Démarche', width: 124, value: areaLabel },
        { title: 'Empreinte', width: width - 680, value: (e) => e.hash.slice(0, 12) },
      ];
  const tableHeader = () => {
    doc.rect(MARGIN, doc.y, width, ROW + 2).fill(COLOR.band);
    let x = MARGIN;
    const y = doc.y + 4;
    for (const column of columns) {
      text(column.title, x + 2, y, CELL, 'bold');
      x += column.width;
    }
    doc.y = y + ROW;
  };
  doc.addPage();
  pageTitle(citizen ? 'Le détail' : 'Les entrées du journal');
  tableHeader();
  let capacity = rowsPerPage(true, doc.page.height);
  let onPage = 0;
  const entriesDigest = createHash('sha256');
  let count = 0;
  let firstEntry: ChainPoint | null = null;
  let lastEntry: ChainPoint | null = null;
  for await (const page of input.pages) {
    for (const entry of page) {
      if (onPage === capacity) {
        doc.addPage();
        await sink.drain();
        tableHeader();
        capacity = rowsPerPage(false, doc.page.height);
        onPage = 0;
      }
      onPage++;
      const y = doc.y;
      if (count % 2 === 1) doc.rect(MARGIN, y - 2, width, ROW).fill('#f6f6f6');
      let x = MARGIN;
      doc.font(FONT.regular).fontSize(CELL).fillColor(COLOR.text);
      for (const column of columns) {
        doc.text(fit(doc, column.value(entry), column.width - 4), x + 2, y, { lineBreak: false });
        x += column.width;
      }
      doc.y = y + ROW;
      entriesDigest.update(`${entry.seq}:${entry.hash}\n`);
      lastEntry = { seq: entry.seq, hash: entry.hash };
      firstEntry ??= lastEntry;
      count++;
    }
    onProgress(count);
  }
  if (count === 0) paragraph('Aucune entrée pour cette période et ces filtres.', 10);

  // Appendix: anchors and signature
  const anchors = await input.anchors(firstEntry, lastEntry);
  const entriesSha256 = entriesDigest.digest('hex');
  const seal = await input.sign({
    kind: REPORT_ENTRIES_KIND,
    structure: job.structure?.siret ?? null,
    criteria: job.criteria,
    count,
    firstEntry,
    lastEntry,
    anchors: {
      start: { seq: anchors.start.seq, hash: anchors.start.hash },
      end: { seq: anchors.end.seq, hash: anchors.end.hash },
    },
    entriesSha256,
  });
  doc.addPage();
  pageTitle('Annexe : preuve d’intégrité');
  paragraph(
    'Chaque entrée du journal de Relais porte une empreinte (SHA-256) calculée sur son contenu et sur l’empreinte de l’entrée précédente : modifier ou retirer une entrée casse la chaîne. La plateforme signe régulièrement des points de contrôle de cette chaîne.',
    10,
  );
  const point = (label: string, value: ChainPoint | null) =>
    paragraph(value ? `${label} : n° ${value.seq}, empreinte ${value.hash}` : `${label} : aucune`, 9);
  point('Première entrée du rapport', firstEntry);
  point('Dernière entrée du rapport', lastEntry);
  const anchor = (label: string, value: ReportAnchor) =>
    paragraph(
      value.checkpoint
        ? `${label} : point de contrôle signé n° ${value.seq}, empreinte ${value.hash}`
        : value.seq === '0'
          ? `${label} : début du journal`
          : `${label} : entrée n° ${value.seq} (pas encore couverte par un point de contrôle signé), empreinte ${value.hash}`,
      9,
    );
  anchor('Ancrage de début', anchors.start);
  anchor('Ancrage de fin', anchors.end);
  paragraph(`Empreinte des ${count} entrées du rapport (SHA-256 des lignes « n° : empreinte ») : ${entriesSha256}`, 9);
  heading('Signature de la plateforme');
  paragraph(
    'Signature ES256 (JWS compact) de la plateforme sur l’empreinte des entrées et les ancrages ci-dessus. Le fichier PDF lui-même est signé à part (fichier .jws fourni avec le rapport).',
    9,
  );
  doc
    .font(FONT.mono)
    .fontSize(6.5)
    .fillColor(COLOR.muted)
    .text(seal, MARGIN, doc.y, { width, lineBreak: true, characterSpacing: 0 });

  await sink.end();
  return { count, firstEntry, lastEntry, anchors };
}

/**
 * pdfkit pushes its output synchronously, whenever a page or an object ends, whatever the target
 * can take. Its chunks are gathered here and written out at page breaks (`drain`), so a slow
 * target (a file, PostgreSQL) holds the rendering back instead of the output piling up in memory.
 */
class PdfSink {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly ended: Promise<void>;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly output: DigestOutput,
  ) {
    doc.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.size += chunk.length;
    });
    this.ended = new Promise((resolve) => doc.on('end', resolve));
  }

  /** Writes what was gathered once there is enough of it (one write per 64 KiB, not per object). */
  async drain(atLeast = 64 * 1024): Promise<void> {
    if (this.size < atLeast || this.size === 0) return;
    const data = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    await this.output.write(data);
  }

  async end(): Promise<void> {
    this.doc.end();
    await this.ended;
    await this.drain(0);
  }
}

/** Counts shown per summary column (the rest is one « Autres » line). */
const SUMMARY_ROWS = 12;
/** Where the table's rows start: below the page title and the header row, or the header row only. */
const FIRST_ROWS_AT = MARGIN + 28 + ROW + 4;
const NEXT_ROWS_AT = MARGIN + ROW + 4;

/** Rows that fit on a table page: the same arithmetic for counting pages and for drawing them. */
function rowsPerPage(first: boolean, pageHeight: number): number {
  const last = pageHeight - MARGIN - 10 - ROW;
  return Math.floor((last - (first ? FIRST_ROWS_AT : NEXT_ROWS_AT)) / ROW) + 1;
}

function tablePages(total: number, pageHeight: number): number {
  const first = rowsPerPage(true, pageHeight);
  return total <= first ? 1 : 1 + Math.ceil((total - first) / rowsPerPage(false, pageHeight));
}

/** Horizontal bars, one per action, longest first, with the count at the end of each bar. */
function barChart(doc: PDFKit.PDFDocument, rows: { label: string; count: number }[], width: number): void {
  if (rows.length === 0) return;
  const max = Math.max(...rows.map((row) => row.count));
  const labelWidth = 260;
  const barSpace = width - labelWidth - 60;
  let y = doc.y + 4;
  for (const row of rows) {
    doc
      .font(FONT.regular)
      .fontSize(9)
      .fillColor(COLOR.text)
      .text(fit(doc, row.label, labelWidth - 8, 9), MARGIN, y + 2, { lineBreak: false });
    const length = Math.max(2, Math.round((row.count / max) * barSpace));
    doc.rect(MARGIN + labelWidth, y, length, 12).fill(COLOR.bar);
    doc
      .font(FONT.bold)
      .fontSize(9)
      .fillColor(COLOR.text)
      .text(String(row.count), MARGIN + labelWidth + length + 6, y + 2, { lineBreak: false });
    y += 17;
  }
  doc.y = y + 6;
}

/** "2026-11-01" → "1er novembre 2026" (the day as chosen, in Paris). */
function frenchDay(day: string): string {
  return frenchDate(new Date(`${day}T12:00:00Z`));
}
