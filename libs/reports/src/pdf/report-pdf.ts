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
function fit(text: string, width: number, size = CELL): string {
  const max = Math.floor(width / (size * 0.56));
  const drawable = safe(text);
  return drawable.length <= max ? drawable : drawable.slice(0, Math.max(1, max - 1)) + '…';
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
 * every page (bufferPages: pages stay in memory, the rows are read page by page from PostgreSQL).
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
    bufferPages: true,
    pdfVersion: '1.7',
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: title, Author: 'Relais', Creator: 'Relais', CreationDate: input.generatedAt },
  });
  const written: Promise<void>[] = [];
  let failure: unknown = null;
  // pdfkit pushes its output as it goes; each chunk is written (and hashed) in order.
  let chain = Promise.resolve();
  doc.on('data', (chunk: Buffer) => {
    chain = chain.then(() => output.write(chunk)).catch((error) => void (failure = error));
  });
  const ended = new Promise<void>((resolve) => doc.on('end', resolve));
  written.push(ended);

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

  // Summary
  doc.addPage();
  heading('Synthèse');
  const summaryTable = (caption: string, rows: { label: string; count: number }[], limit = 12) => {
    heading(caption);
    const shown = rows.slice(0, limit);
    const rest = rows.slice(limit).reduce((sum, row) => sum + row.count, 0);
    if (rest > 0) shown.push({ label: `Autres (${rows.length - limit})`, count: rest });
    if (shown.length === 0) paragraph('Aucune entrée.', 10);
    for (const row of shown) {
      if (doc.y > doc.page.height - MARGIN - 30) doc.addPage();
      const y = doc.y;
      text(fit(row.label, 380, 10), MARGIN, y, 10);
      text(String(row.count), MARGIN + 400, y, 10, 'bold');
      doc.y = y + 14;
    }
  };
  const byAction = input.summary.byAction.map((row) => ({ label: auditActionLabel(row.action), count: row.count }));
  if (byAction.length > 0)
    paragraph('Nombre d’entrées par type d’action (les 10 plus fréquents) :', 10, 'regular', COLOR.muted);
  barChart(doc, byAction.slice(0, 10), width);
  summaryTable('Par type d’action', byAction);
  if (!citizen) {
    summaryTable(
      'Par aidant',
      input.summary.byAide.map((row) => ({ label: row.name ?? 'Aidant supprimé', count: row.count })),
    );
  }
  summaryTable(
    'Par démarche',
    input.summary.byArea.map((row) => ({
      label: PROCEDURE_AREA_LABELS[row.area as ProcedureArea] ?? row.area,
      count: row.count,
    })),
  );

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
  const bottom = doc.page.height - MARGIN - 10 - ROW;
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
  heading(citizen ? 'Le détail' : 'Les entrées du journal');
  tableHeader();
  const entriesDigest = createHash('sha256');
  let count = 0;
  let firstEntry: ChainPoint | null = null;
  let lastEntry: ChainPoint | null = null;
  for await (const page of input.pages) {
    for (const entry of page) {
      if (doc.y > bottom) {
        doc.addPage();
        doc.y = MARGIN;
        tableHeader();
      }
      const y = doc.y;
      if (count % 2 === 1) doc.rect(MARGIN, y - 2, width, ROW).fill('#f6f6f6');
      let x = MARGIN;
      doc.font(FONT.regular).fontSize(CELL).fillColor(COLOR.text);
      for (const column of columns) {
        doc.text(fit(column.value(entry), column.width - 4), x + 2, y, { lineBreak: false });
        x += column.width;
      }
      doc.y = y + ROW;
      entriesDigest.update(`${entry.seq}:${entry.hash}\n`);
      lastEntry = { seq: entry.seq, hash: entry.hash };
      firstEntry ??= lastEntry;
      count++;
    }
    onProgress(count);
    if (failure) throw failure;
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
  heading('Annexe : preuve d’intégrité');
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

  // Footers on every page
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footer = `${job.structure?.name ?? title} — du ${frenchDay(job.criteria.fromDay)} au ${frenchDay(job.criteria.toDay)}`;
    text(footer, MARGIN, doc.page.height - MARGIN + 8, 8, 'regular', COLOR.muted);
    const label = `Page ${index + 1} / ${range.count}`;
    doc.font(FONT.regular).fontSize(8);
    text(
      label,
      doc.page.width - MARGIN - doc.widthOfString(label),
      doc.page.height - MARGIN + 8,
      8,
      'regular',
      COLOR.muted,
    );
    doc.page.margins.bottom = margin;
  }
  doc.end();
  await Promise.all(written);
  await chain;
  if (failure) throw failure;
  return { count, firstEntry, lastEntry, anchors };
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
      .text(fit(row.label, labelWidth - 8, 9), MARGIN, y + 2, { lineBreak: false });
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
