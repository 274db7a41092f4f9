/**
 * The PDF report's drawing, run in a worker thread of its own (see `report-pdf.ts`): pdfkit turns
 * a described document (every text already written, in French, in WinAnsi) into bytes. It loads
 * pdfkit and Node only, so the thread stays small, and it uses erasable TypeScript only (no
 * enums, no parameter properties, type-only relative imports): Node runs it from the sources too.
 *
 * Messages: the thread draws the cover, the summary and the table's first header from
 * `workerData`, then takes `rows` (answering `drawn` once they are drawn) and `appendix`
 * (answering `ended` after the last byte). Bytes go out as `chunk` messages, at page breaks.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import PDFDocument from 'pdfkit';

export type PdfFont = 'regular' | 'bold' | 'mono';
export type PdfColor = 'text' | 'heading' | 'muted';

/** A block of text, full width, below the previous one (`before`: blank lines above it). */
export interface PdfParagraph {
  text: string;
  size: number;
  font?: PdfFont;
  color?: PdfColor;
  before?: number;
}

export interface PdfCount {
  label: string;
  count: string;
}

/** Everything the report says except its rows and its appendix, which come later. */
export interface ReportPdfContent {
  info: { title: string; creationDate: Date };
  /** Rows of the table: the page count (« Page X / Y ») is known before the first page. */
  total: number;
  /** Left of every page's footer. */
  footer: string;
  cover: { brand: string; paragraphs: PdfParagraph[] };
  summary: {
    title: string;
    intro: string;
    chart: { label: string; count: number }[];
    columns: { caption: string; rows: PdfCount[]; none: string }[];
  };
  /** `width` null: what is left of the page's width. */
  table: { title: string; columns: { title: string; width: number | null }[]; empty: string };
}

export interface ReportPdfAppendix {
  title: string;
  paragraphs: PdfParagraph[];
  /** The platform's signature, in small monospace. */
  seal: string;
}

export type ToDrawing = { type: 'rows'; rows: string[][] } | { type: 'appendix'; appendix: ReportPdfAppendix };
export type FromDrawing = { type: 'chunk'; data: Uint8Array } | { type: 'drawn' } | { type: 'ended' };

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const;
const COLOR = {
  text: '#161616',
  heading: '#000091',
  muted: '#3a3a3a',
  band: '#eeeeee',
  stripe: '#f6f6f6',
  bar: '#000091',
};
const MARGIN = 40;
const ROW = 14;
const CELL = 8;
/**
 * Up to this many entries the table is tagged cell by cell (Table > TR > TH/TD); above, each row
 * is one paragraph (P): a tagged cell is an object of its own, so at 100,000 entries cells made the
 * file 13 times larger (98.5 MB) and tripled the CPU time (28 s), past the 30 s target.
 */
export const TAGGED_CELLS_MAX_ENTRIES = 5000;
/** Bytes gathered before they are sent to the main thread. */
const CHUNK = 64 * 1024;
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

type Element = PDFKit.PDFStructureElement;
type ElementOptions = PDFKit.Mixins.StructureElementOptions & { scope?: 'Row' | 'Column' | 'Both' };
/** pdfkit's page-to-elements map of a tagged PDF (not in its types). */
interface ParentTree {
  get(key: number): unknown[];
  add(key: number, value: unknown): void;
}

/**
 * Draws one tagged report; `send` takes its messages to the main thread. Structure: Document >
 * H1, P (cover), H2, Figure, Table (summary), H2, Table > THead, one TBody per page > TR > TH/TD
 * (entries), H2, P (appendix); footers, bands and repeated headers are artifacts.
 */
export class ReportPdfDrawing {
  private readonly doc: PDFKit.PDFDocument;
  private readonly send: (message: FromDrawing, transfer?: ArrayBuffer[]) => void;
  private readonly width: number;
  private readonly columns: { title: string; width: number }[];
  private readonly totalPages: number;
  private readonly footer: string;
  private readonly emptyTable: string;
  private readonly fitted = new Map<string, string>();
  private chunks: Buffer[] = [];
  private size = 0;
  private pageNumber = 0;
  private onPage = 0;
  private capacity = 0;
  private drawnRows = 0;
  private readonly root: Element;
  private readonly cellTags: boolean;
  private table: Element | null = null;
  private body: Element | null = null;

  constructor(content: ReportPdfContent, send: (message: FromDrawing, transfer?: ArrayBuffer[]) => void) {
    this.send = send;
    this.footer = content.footer;
    this.doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margins: { top: MARGIN, bottom: MARGIN + 10, left: MARGIN, right: MARGIN },
      pdfVersion: '1.7',
      lang: 'fr-FR',
      displayTitle: true,
      tagged: true,
      info: { Title: content.info.title, Author: 'Relais', Creator: 'Relais', CreationDate: content.info.creationDate },
    });
    // pdfkit writes many small pieces (an xref line is 20 bytes): they go out 64 KiB at a time.
    this.doc.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.size += chunk.length;
      if (this.size >= CHUNK) this.flush(CHUNK);
    });
    this.cellTags = content.total <= TAGGED_CELLS_MAX_ENTRIES;
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
    this.width = this.doc.page.width - 2 * MARGIN;
    const fixed = content.table.columns.reduce((sum, column) => sum + (column.width ?? 0), 0);
    this.columns = content.table.columns.map((column) => ({
      title: column.title,
      width: column.width ?? this.width - fixed,
    }));
    this.totalPages = 3 + tablePages(content.total, this.doc.page.height);
    this.doc.on('pageAdded', () => this.drawFooter());
    this.drawFooter();
    this.drawCover(content.cover);
    this.drawSummary(content.summary);
    this.doc.addPage();
    this.pageTitle(content.table.title);
    this.table = this.cellTags ? this.group('Table') : this.group('Sect');
    this.tableHeader(this.cellTags ? this.group('THead', this.table) : this.table);
    this.capacity = rowsPerPage(true, this.doc.page.height);
    this.emptyTable = content.table.empty;
  }

  /** Draws rows of cells, one cell per column, then says so. */
  rows(rows: string[][]): void {
    const doc = this.doc;
    for (const cells of rows) {
      if (this.onPage === this.capacity) {
        this.endPage();
        doc.addPage();
        this.artifact(() => this.tableHeader(null), 'Pagination');
        this.capacity = rowsPerPage(false, doc.page.height);
        this.onPage = 0;
        this.flush(CHUNK);
      }
      this.onPage++;
      this.body ??= this.group(this.cellTags ? 'TBody' : 'Div', this.table!);
      const y = doc.y;
      if (this.drawnRows % 2 === 1) this.artifact(() => doc.rect(MARGIN, y - 2, this.width, ROW).fill(COLOR.stripe));
      const drawCell = (index: number, x: number) =>
        this.text(this.fit(cells[index] ?? '', this.columns[index].width - 4), x + 2, y, CELL);
      if (this.cellTags) {
        const row = this.group('TR', this.body);
        this.eachColumn((index, x) => this.tagged('TD', () => drawCell(index, x), row));
        row.end();
      } else {
        this.tagged('P', () => this.eachColumn(drawCell), this.body);
      }
      doc.y = y + ROW;
      this.drawnRows++;
    }
    this.flush(CHUNK);
    this.send({ type: 'drawn' });
  }

  /** Draws the appendix, ends the document and sends its last bytes. */
  appendix(appendix: ReportPdfAppendix): Promise<void> {
    const doc = this.doc;
    this.table?.end();
    if (this.drawnRows === 0) this.paragraph({ text: this.emptyTable, size: 10 });
    this.endPage();
    doc.addPage();
    this.pageTitle(appendix.title);
    for (const paragraph of appendix.paragraphs) this.paragraph(paragraph);
    this.tagged('Code', () =>
      doc
        .font(FONT.mono)
        .fontSize(6.5)
        .fillColor(COLOR.muted)
        .text(appendix.seal, MARGIN, doc.y, { width: this.width, lineBreak: true, characterSpacing: 0 }),
    );
    const ended = new Promise<void>((resolve) =>
      doc.on('end', () => {
        this.flush(0);
        this.send({ type: 'ended' });
        resolve();
      }),
    );
    doc.end();
    return ended;
  }

  /**
   * A table page is done: its TBody is ended (written out), and the page's entry of the parent
   * tree (one reference per cell) is written as an object of its own, so neither is kept in
   * memory until the end of the document (pdfkit writes the parent tree last).
   */
  private endPage(): void {
    this.body?.end();
    this.body = null;
    const key = (this.doc.page.dictionary.data as { StructParents?: number }).StructParents;
    if (key === undefined) return;
    const tree = (this.doc as unknown as { getStructParentTree(): ParentTree }).getStructParentTree();
    const elements = this.doc.ref(tree.get(key) as unknown as object) as unknown as { end(): void; data: unknown };
    elements.end();
    elements.data = null;
    tree.add(key, elements);
  }

  /** Draws through `draw` as a structure element of `type` (H1, P, TD…) for screen readers. */
  private tagged(type: string, draw: () => void, parent: Element = this.root, options: ElementOptions = {}): void {
    parent.add(this.doc.struct(type, options, draw));
  }

  /** A structure element to fill with children (a table, a row). */
  private group(type: string, parent: Element = this.root): Element {
    const element = this.doc.struct(type);
    parent.add(element);
    return element;
  }

  /** Draws what screen readers skip: page furniture, bands, repeated headers. */
  private artifact(draw: () => void, type: 'Pagination' | 'Layout' = 'Layout'): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }

  /** Sends what pdfkit wrote, once there is at least `atLeast` bytes of it (in a buffer of its own). */
  private flush(atLeast: number): void {
    if (this.size === 0 || this.size < atLeast) return;
    const data = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    this.chunks = [];
    this.size = 0;
    this.send({ type: 'chunk', data }, [data.buffer]);
  }

  private text(value: string, x: number, y: number, size: number, font: PdfFont = 'regular', color: PdfColor = 'text') {
    return this.doc.font(FONT[font]).fontSize(size).fillColor(COLOR[color]).text(value, x, y, { lineBreak: false });
  }

  private paragraph({ text, size, font = 'regular', color = 'text', before = 0 }: PdfParagraph, type = 'P'): void {
    if (before > 0) this.doc.moveDown(before);
    this.tagged(type, () =>
      this.doc.font(FONT[font]).fontSize(size).fillColor(COLOR[color]).text(text, MARGIN, this.doc.y, {
        width: this.width,
        lineGap: 2,
      }),
    );
    this.doc.moveDown(0.4);
  }

  private pageTitle(value: string): void {
    this.tagged('H2', () => this.text(value, MARGIN, MARGIN, 15, 'bold', 'heading'));
    this.doc.y = MARGIN + 28;
  }

  private drawFooter(): void {
    const doc = this.doc;
    this.pageNumber++;
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN + 8;
    const label = `Page ${this.pageNumber} / ${this.totalPages}`;
    doc.font(FONT.regular).fontSize(8);
    const x = doc.page.width - MARGIN - doc.widthOfString(label);
    this.artifact(() => {
      this.text(this.footer, MARGIN, y, 8, 'regular', 'muted');
      this.text(label, x, y, 8, 'regular', 'muted');
    }, 'Pagination');
    doc.page.margins.bottom = margin;
    doc.x = MARGIN;
    doc.y = MARGIN;
  }

  private drawCover(cover: ReportPdfContent['cover']): void {
    this.artifact(() => this.text(cover.brand, MARGIN, MARGIN, 11, 'bold', 'heading'));
    this.doc.y = 130;
    cover.paragraphs.forEach((paragraph, index) => this.paragraph(paragraph, index === 0 ? 'H1' : 'P'));
  }

  /** One page: the chart, then columns of counts. */
  private drawSummary(summary: ReportPdfContent['summary']): void {
    this.doc.addPage();
    this.pageTitle(summary.title);
    this.paragraph({ text: summary.intro, size: 10, color: 'muted' });
    this.barChart(summary.chart);
    const top = this.doc.y + 24;
    const columnWidth = this.width / 3;
    summary.columns.forEach((column, index) => {
      const x = MARGIN + index * columnWidth;
      this.tagged('H3', () => this.text(column.caption, x, top, 12, 'bold', 'heading'));
      if (column.rows.length === 0) this.tagged('P', () => this.text(column.none, x, top + 22, 9));
      if (column.rows.length === 0) return;
      const table = this.group('Table');
      column.rows.forEach((count, line) => {
        const y = top + 22 + line * 14;
        const row = this.group('TR', table);
        const label = this.fit(count.label, columnWidth - 70, 9);
        this.tagged('TH', () => this.text(label, x, y, 9), row, { scope: 'Row' });
        this.tagged('TD', () => this.text(count.count, x + columnWidth - 60, y, 9, 'bold'), row);
        row.end();
      });
      table.end();
    });
  }

  /** Horizontal bars, one per action, longest first, with the count at the end of each bar. */
  private barChart(rows: { label: string; count: number }[]): void {
    if (rows.length === 0) return;
    const doc = this.doc;
    const max = Math.max(...rows.map((row) => row.count));
    const labelWidth = 260;
    const barSpace = this.width - labelWidth - 60;
    let y = doc.y + 4;
    const alt = `Diagramme en barres : ${rows.map((row) => `${row.label} : ${row.count}`).join(' ; ')}.`;
    this.tagged(
      'Figure',
      () => {
        for (const row of rows) {
          this.text(this.fit(row.label, labelWidth - 8, 9), MARGIN, y + 2, 9);
          const length = Math.max(2, Math.round((row.count / max) * barSpace));
          doc.rect(MARGIN + labelWidth, y, length, 12).fill(COLOR.bar);
          this.text(String(row.count), MARGIN + labelWidth + length + 6, y + 2, 9, 'bold');
          y += 17;
        }
      },
      this.root,
      { alt },
    );
    doc.y = y + 6;
  }

  /** Calls `draw` with each column's index and left edge. */
  private eachColumn(draw: (index: number, x: number) => void): void {
    let x = MARGIN;
    for (let index = 0; index < this.columns.length; index++) {
      draw(index, x);
      x += this.columns[index].width;
    }
  }

  /**
   * The header row. The first time it is tagged in `parent`: TH cells of a THead, or one P before
   * rows that are paragraphs; on the next pages (null) the caller marks it as an artifact.
   */
  private tableHeader(parent: Element | null): void {
    const doc = this.doc;
    const top = doc.y;
    if (parent) this.artifact(() => doc.rect(MARGIN, top, this.width, ROW + 2).fill(COLOR.band));
    else doc.rect(MARGIN, top, this.width, ROW + 2).fill(COLOR.band);
    const y = top + 4;
    const drawTitle = (index: number, x: number) => this.text(this.columns[index].title, x + 2, y, CELL, 'bold');
    if (parent && this.cellTags) {
      const row = this.group('TR', parent);
      this.eachColumn((index, x) => this.tagged('TH', () => drawTitle(index, x), row, { scope: 'Column' }));
      row.end();
      parent.end();
    } else if (parent) {
      this.tagged('P', () => this.eachColumn(drawTitle), parent);
    } else {
      this.eachColumn(drawTitle);
    }
    doc.y = y + ROW;
  }

  /**
   * Cuts a cell to what fits its width in Helvetica at `size`, measured (widthOfString) and kept:
   * cells repeat (labels, names, dates to the second), so a long report measures few strings.
   */
  private fit(text: string, width: number, size = CELL): string {
    const key = `${width}|${size}|${text}`;
    const known = this.fitted.get(key);
    if (known !== undefined) return known;
    if (this.fitted.size > 20_000) this.fitted.clear();
    this.doc.font(FONT.regular).fontSize(size);
    let drawable = text;
    if (this.doc.widthOfString(drawable) > width) {
      while (drawable.length > 1 && this.doc.widthOfString(drawable + '…') > width) drawable = drawable.slice(0, -1);
      drawable += '…';
    }
    this.fitted.set(key, drawable);
    return drawable;
  }
}

// As a worker thread: one drawing, driven by the main thread's messages.
if (!isMainThread && parentPort && (workerData as { reportPdf?: unknown } | null)?.reportPdf) {
  const port = parentPort;
  const drawing = new ReportPdfDrawing((workerData as { reportPdf: ReportPdfContent }).reportPdf, (message, transfer) =>
    port.postMessage(message, transfer),
  );
  port.on('message', (message: ToDrawing) => {
    if (message.type === 'rows') drawing.rows(message.rows);
    else void drawing.appendix(message.appendix).then(() => port.close());
  });
}
