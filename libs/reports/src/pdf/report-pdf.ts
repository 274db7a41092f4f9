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

export async function renderReportPdf(
  _input: ReportPdfInput,
  _output: DigestOutput,
  _onProgress: (done: number) => unknown,
): Promise<{
  count: number;
  firstEntry: ChainPoint | null;
  lastEntry: ChainPoint | null;
  anchors: { start: ReportAnchor; end: ReportAnchor };
}> {
  throw new Error('not yet');
}
