import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

import { toWinAnsi } from '@relais/attestations';
import { frenchDate, frenchDateTime } from '@relais/dates';
import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';

import { auditActionLabel } from '../audit-action-labels.js';
import type { ChainPoint, ReportAnchor } from '../interfaces/report-manifest.interface.js';
import type { ReportEntry, ReportSummary } from '../services/report-entries.service.js';
import type { ReportJob } from '../services/report-writer.service.js';
import type {
  FromDrawing,
  PdfCount,
  PdfParagraph,
  ReportPdfAppendix,
  ReportPdfContent,
  ToDrawing,
} from './report-pdf-drawing.js';

export interface ReportPdfInput {
  job: ReportJob;
  generatedAt: Date;
  total: number;
  summary: ReportSummary;
  pages: AsyncIterable<ReportEntry[]>;
  anchors: (first: ChainPoint | null, last: ChainPoint | null) => Promise<{ start: ReportAnchor; end: ReportAnchor }>;
  sign: (payload: object) => Promise<string>;
}

/** Where the PDF's bytes go (hashed and counted on the way): `DigestOutput`. */
export interface ReportPdfOutput {
  write(chunk: Buffer): Promise<void>;
}

/** Counts shown per summary column (the rest is one « Autres » line). */
const SUMMARY_ROWS = 12;

/** What the appendix's signature covers: the entries of the PDF, by sequence number and hash. */
export const REPORT_ENTRIES_KIND = 'relais.audit.report.entries';

/**
 * The drawing thread's heap: pdfkit's garbage is collected within these bounds instead of growing
 * the process's heap (V8 sizes a main thread's young generation for the machine's memory).
 */
export const REPORT_PDF_THREAD_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/** Under jest the sources are TypeScript: Node strips the drawing file's types itself. */
const DRAWING = new URL(
  import.meta.url.endsWith('.ts') ? './report-pdf-drawing.ts' : './report-pdf-drawing.js',
  import.meta.url,
);

/** Fast path: most cells are ASCII or Latin-1 already; only the others go through toWinAnsi. */
const DRAWABLE = /^[\x20-\x7e\u00a0-\u00ff’«»œŒ€–—…]*$/;
const safe = (text: string) => (DRAWABLE.test(text) ? text : toWinAnsi(text));

const areaLabel = (entry: ReportEntry): string => {
  const details = entry.details as { area?: unknown; areas?: unknown };
  const codes = typeof details.area === 'string' ? [details.area] : Array.isArray(details.areas) ? details.areas : [];
  return codes.map((code) => PROCEDURE_AREA_LABELS[code as ProcedureArea] ?? String(code)).join(', ');
};

interface Column {
  title: string;
  /** null: the rest of the page's width. */
  width: number | null;
  value: (entry: ReportEntry) => string;
}

const COLUMNS: Column[] = [
  { title: 'N°', width: 52, value: (e) => e.seq },
  { title: 'Date (Paris)', width: 92, value: (e) => e.parisTime },
  { title: 'Action', width: 196, value: (e) => auditActionLabel(e.action) },
  { title: 'Aidant', width: 110, value: (e) => e.actorName ?? (e.actorType === 'aide' ? '' : '—') },
  { title: 'Usager', width: 110, value: (e) => e.citizenName ?? (e.citizenId ? 'Données effacées' : '') },
  { title: 'Démarche', width: 124, value: areaLabel },
  { title: 'Empreinte', width: null, value: (e) => e.hash.slice(0, 12) },
];

/** The citizen's copy: plain words, no ids or hashes. */
const CITIZEN_COLUMNS: Column[] = [
  { title: 'Date (Paris)', width: 95, value: (e) => e.parisTime },
  { title: 'Ce qui a été fait', width: 230, value: (e) => auditActionLabel(e.action) },
  {
    title: 'Par',
    width: 120,
    value: (e) => (e.actorType === 'citizen' ? 'Vous' : e.actorType === 'system' ? 'Relais' : (e.actorName ?? '')),
  },
  { title: 'Structure', width: 187, value: (e) => e.structureName ?? '' },
  { title: 'Démarche', width: null, value: areaLabel },
];

/**
 * The PDF report: cover, summary with a bar chart, the entries as a table (headers repeated on
 * each page), the appendix with the chain anchors and the platform's signature, "Page X / Y" on
 * every page. This thread says what the report says (labels, names, the digest and the
 * signature); a worker thread with a bounded heap draws it with pdfkit (`report-pdf-drawing.ts`),
 * one page of entries at a time, and its bytes are written before the next page is sent, so
 * memory stays flat whatever the number of entries and the worker's event loop stays free.
 */
export async function renderReportPdf(
  input: ReportPdfInput,
  output: ReportPdfOutput,
  onProgress: (done: number) => unknown,
): Promise<{
  count: number;
  firstEntry: ChainPoint | null;
  lastEntry: ChainPoint | null;
  anchors: { start: ReportAnchor; end: ReportAnchor };
}> {
  const citizen = input.job.citizenCopy === true;
  const columns = citizen ? CITIZEN_COLUMNS : COLUMNS;
  const drawing = new DrawingThread(reportContent(input, columns), output);
  try {
    const entriesDigest = createHash('sha256');
    let count = 0;
    let firstEntry: ChainPoint | null = null;
    let lastEntry: ChainPoint | null = null;
    for await (const page of input.pages) {
      const rows = page.map((entry) => {
        entriesDigest.update(`${entry.seq}:${entry.hash}\n`);
        lastEntry = { seq: entry.seq, hash: entry.hash };
        firstEntry ??= lastEntry;
        count++;
        return columns.map((column) => safe(column.value(entry)));
      });
      await drawing.send({ type: 'rows', rows });
      onProgress(count);
    }
    const anchors = await input.anchors(firstEntry, lastEntry);
    const entriesSha256 = entriesDigest.digest('hex');
    const seal = await input.sign({
      kind: REPORT_ENTRIES_KIND,
      structure: input.job.structure?.siret ?? null,
      criteria: input.job.criteria,
      count,
      firstEntry,
      lastEntry,
      anchors: {
        start: { seq: anchors.start.seq, hash: anchors.start.hash },
        end: { seq: anchors.end.seq, hash: anchors.end.hash },
      },
      entriesSha256,
    });
    const appendix = appendixContent({ count, firstEntry, lastEntry, anchors, entriesSha256, seal });
    await drawing.send({ type: 'appendix', appendix });
    return { count, firstEntry, lastEntry, anchors };
  } finally {
    await drawing.stop();
  }
}

/** The drawing thread, one message at a time: each answer comes after the bytes before it are written. */
class DrawingThread {
  private readonly worker: Worker;
  private written: Promise<void> = Promise.resolve();
  private waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(content: ReportPdfContent, output: ReportPdfOutput) {
    this.worker = new Worker(DRAWING, {
      workerData: { reportPdf: content },
      resourceLimits: REPORT_PDF_THREAD_LIMITS,
    });
    this.worker.on('message', (message: FromDrawing) => {
      if (message.type === 'chunk') {
        const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
        this.written = this.written.then(() => output.write(data));
        // Seen by the next answer; marked handled here so a failed write never crashes the process.
        this.written.catch(() => undefined);
      } else {
        const waiting = this.waiting;
        this.waiting = null;
        this.written.then(
          () => waiting?.resolve(),
          (error: Error) => waiting?.reject(error),
        );
      }
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the PDF drawing thread stopped (exit code ${code})`)));
  }

  send(message: ToDrawing): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  /** After the last answer or a failure: the thread is gone either way. */
  async stop(): Promise<void> {
    this.failure ??= new Error('the PDF drawing thread was stopped');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
    this.waiting = null;
  }
}

/** The cover, the summary and the table's columns, in French, ready to draw. */
function reportContent(input: ReportPdfInput, columns: Column[]): ReportPdfContent {
  const { job, summary, total } = input;
  const citizen = job.citizenCopy === true;
  const title = citizen ? 'Ce qui a été fait pour vous avec vos mandats' : 'Journal des actions';
  const period = `du ${frenchDay(job.criteria.fromDay)} au ${frenchDay(job.criteria.toDay)}`;
  const line = (text: string, size: number, extra: Partial<PdfParagraph> = {}): PdfParagraph => ({
    text: safe(text),
    size,
    ...extra,
  });
  const byAction = summary.byAction.map((row) => ({ label: safe(auditActionLabel(row.action)), count: row.count }));
  const counts = (rows: { label: string; count: number }[]): PdfCount[] => {
    const shown = rows.slice(0, SUMMARY_ROWS).map((row) => ({ label: safe(row.label), count: String(row.count) }));
    const rest = rows.slice(SUMMARY_ROWS).reduce((sum, row) => sum + row.count, 0);
    if (rest > 0) shown.push({ label: `Autres (${rows.length - SUMMARY_ROWS})`, count: String(rest) });
    return shown;
  };
  const byAide = summary.byAide.map((row) => ({ label: row.name ?? 'Aidant supprimé', count: row.count }));
  const byArea = summary.byArea.map((row) => ({
    label: PROCEDURE_AREA_LABELS[row.area as ProcedureArea] ?? row.area,
    count: row.count,
  }));
  return {
    info: { title, creationDate: input.generatedAt },
    total,
    footer: safe(`${job.structure?.name ?? title} — ${period}`),
    cover: {
      brand: 'Relais',
      paragraphs: [
        line(title, 26, { font: 'bold', color: 'heading' }),
        ...(job.structure ? [line(`${job.structure.name} (SIRET ${job.structure.siret})`, 15, { font: 'bold' })] : []),
        line(`Période : ${period} inclus`, 13),
        line(job.filterLabels.length ? `Filtres : ${job.filterLabels.join(' ; ')}` : 'Filtres : aucun', 13),
        line(`Produit le ${frenchDateTime(input.generatedAt)} (heure de Paris), par ${job.generatedBy.name}`, 13),
        line(`${total} entrée${total === 1 ? '' : 's'} du journal.`, 13),
        line(
          citizen
            ? 'Ce relevé liste tout ce que les aidants ont fait en votre nom avec vos mandats. Il est signé par Relais : personne ne peut le modifier sans que cela se voie.'
            : 'Ce rapport reprend le journal de responsabilité de Relais : qui a fait quoi, pour qui, sous quel mandat. Il est signé par la plateforme ; l’annexe donne de quoi vérifier qu’il est authentique et complet (page de vérification : /verify/rapport, avec le fichier de signature .jws).',
          11,
          { color: 'muted', before: 1 },
        ),
      ],
    },
    summary: {
      title: 'Synthèse',
      intro:
        byAction.length > 0 ? safe('Nombre d’entrées par type d’action (les 10 plus fréquents) :') : 'Aucune entrée.',
      chart: byAction.slice(0, 10),
      columns: [
        { caption: safe('Par type d’action'), rows: counts(byAction), none: 'Aucune.' },
        ...(citizen ? [] : [{ caption: 'Par aidant', rows: counts(byAide), none: 'Aucune.' }]),
        { caption: safe('Par démarche'), rows: counts(byArea), none: 'Aucune.' },
      ],
    },
    table: {
      title: safe(citizen ? 'Le détail' : 'Les entrées du journal'),
      columns: columns.map((column) => ({ title: safe(column.title), width: column.width })),
      empty: safe('Aucune entrée pour cette période et ces filtres.'),
    },
  };
}

/** The appendix « Annexe : preuve d’intégrité »: the chain anchors and the platform's signature. */
function appendixContent(proof: {
  count: number;
  firstEntry: ChainPoint | null;
  lastEntry: ChainPoint | null;
  anchors: { start: ReportAnchor; end: ReportAnchor };
  entriesSha256: string;
  seal: string;
}): ReportPdfAppendix {
  const line = (text: string, size = 9, extra: Partial<PdfParagraph> = {}): PdfParagraph => ({
    text: safe(text),
    size,
    ...extra,
  });
  const point = (label: string, value: ChainPoint | null) =>
    line(value ? `${label} : n° ${value.seq}, empreinte ${value.hash}` : `${label} : aucune`);
  const anchor = (label: string, value: ReportAnchor) =>
    line(
      value.checkpoint
        ? `${label} : point de contrôle signé n° ${value.seq}, empreinte ${value.hash}`
        : value.seq === '0'
          ? `${label} : début du journal`
          : `${label} : entrée n° ${value.seq} (pas encore couverte par un point de contrôle signé), empreinte ${value.hash}`,
    );
  return {
    title: safe('Annexe : preuve d’intégrité'),
    paragraphs: [
      line(
        'Chaque entrée du journal de Relais porte une empreinte (SHA-256) calculée sur son contenu et sur l’empreinte de l’entrée précédente : modifier ou retirer une entrée casse la chaîne. La plateforme signe régulièrement des points de contrôle de cette chaîne.',
        10,
      ),
      point('Première entrée du rapport', proof.firstEntry),
      point('Dernière entrée du rapport', proof.lastEntry),
      anchor('Ancrage de début', proof.anchors.start),
      anchor('Ancrage de fin', proof.anchors.end),
      line(
        `Empreinte des ${proof.count} entrées du rapport (SHA-256 des lignes « n° : empreinte ») : ${proof.entriesSha256}`,
      ),
      line('Signature de la plateforme', 15, { font: 'bold', color: 'heading', before: 0.6 }),
      line(
        'Signature ES256 (JWS compact) de la plateforme sur l’empreinte des entrées et les ancrages ci-dessus. Le fichier PDF lui-même est signé à part (fichier .jws fourni avec le rapport).',
      ),
    ],
    seal: proof.seal,
  };
}

/** "2026-11-01" → "1er novembre 2026" (the day as chosen, in Paris). */
function frenchDay(day: string): string {
  return frenchDate(new Date(`${day}T12:00:00Z`));
}
