import type { Writable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import { Signer } from '@relais/signing';

import { CSV_HEAD, csvRecords, entryRecord, rangeRecord } from '../csv/report-csv.js';
import { ReportFormat } from '../enums/report-format.enum.js';
import type { ReportCriteria } from '../interfaces/report-criteria.interface.js';
import { type ChainPoint, REPORT_KIND, type ReportManifest } from '../interfaces/report-manifest.interface.js';
import { renderReportPdf } from '../pdf/report-pdf.js';
import { DigestOutput } from './digest-output.js';
import { ReportEntries } from './report-entries.service.js';

/** What to write: the criteria (scope applied) and what the cover and the manifest say. */
export interface ReportJob {
  criteria: ReportCriteria;
  format: ReportFormat;
  fileName: string;
  structure: ReportManifest['structure'];
  generatedBy: ReportManifest['generatedBy'] & { name: string };
  /** Printed on the PDF's cover: the filters in words (aide's and citizen's names, area, action). */
  filterLabels: string[];
  /** A citizen's own copy: plain words, no internal identifiers. */
  citizenCopy?: boolean;
}

export interface WrittenReport {
  manifest: ReportManifest;
  /** Compact JWS (platform key) of the manifest: the `.jws` file next to the export. */
  signature: string;
  bytes: number;
}

/** Writes an export (CSV or PDF) to a stream in bounded memory, then signs its digest. */
@Injectable()
export class ReportWriter {
  constructor(
    private readonly entries: ReportEntries,
    private readonly signer: Signer,
  ) {}

  async write(
    job: ReportJob,
    target: Writable,
    onProgress?: (done: number, total: number) => unknown,
  ): Promise<WrittenReport> {
    const { count: total, lastSeq } = await this.entries.extent(job.criteria);
    const output = new DigestOutput(target);
    const generatedAt = new Date();
    const chain =
      job.format === ReportFormat.Csv
        ? await this.writeCsv(job, lastSeq, output, (done) => onProgress?.(done, total))
        : await renderReportPdf(
            {
              job,
              generatedAt,
              total,
              summary: await this.entries.summary(job.criteria, lastSeq),
              pages: this.entries.pages(job.criteria, lastSeq),
              anchors: (first, last) => this.anchors(first, last),
              sign: (payload) => this.signer.sign(payload),
            },
            output,
            (done) => onProgress?.(done, total),
          );
    const sha256 = await output.end();
    const manifest: ReportManifest = {
      kind: REPORT_KIND,
      version: 1,
      format: job.format,
      fileName: job.fileName,
      sha256,
      structure: job.structure,
      criteria: job.criteria,
      generatedAt: generatedAt.toISOString(),
      generatedBy: { type: job.generatedBy.type, id: job.generatedBy.id },
      ...chain,
    };
    return { manifest, signature: await this.signer.sign(manifest), bytes: output.bytes };
  }

  private async anchors(first: { seq: string } | null, last: ChainPoint | null) {
    const start = await this.entries.startAnchor(first);
    return { start, end: last ? await this.entries.endAnchor(last) : start };
  }

  /** Header, then each entry, with a range row wherever the chain runs through entries not exported. */
  private async writeCsv(
    job: ReportJob,
    lastSeq: string | null,
    output: DigestOutput,
    onProgress: (done: number) => unknown,
  ) {
    await output.write(CSV_HEAD);
    let count = 0;
    let firstEntry: ChainPoint | null = null;
    let previous: ChainPoint | null = null;
    let start: ReportManifest['anchors']['start'] | null = null;
    for await (const page of this.entries.pages(job.criteria, lastSeq)) {
      start ??= await this.entries.startAnchor(page[0]);
      previous ??= start;
      const records: string[][] = [];
      for (const entry of page) {
        const seq = BigInt(entry.seq);
        const next = BigInt(previous.seq) + 1n;
        if (seq > next) records.push(rangeRecord(next, seq - 1n, previous.hash, entry.prevHash));
        records.push(entryRecord(entry));
        previous = { seq: entry.seq, hash: entry.hash };
        firstEntry ??= previous;
        count++;
      }
      await output.write(csvRecords(records));
      onProgress(count);
    }
    start ??= await this.entries.startAnchor(null);
    // The start stays the one the first rows hang from, even if a checkpoint was signed meanwhile.
    const anchors = { start, end: count > 0 && previous ? await this.entries.endAnchor(previous) : start };
    if (previous && BigInt(anchors.end.seq) > BigInt(previous.seq)) {
      const from = BigInt(previous.seq) + 1n;
      await output.write(csvRecords([rangeRecord(from, BigInt(anchors.end.seq), previous.hash, anchors.end.hash)]));
    }
    return { count, firstEntry, lastEntry: count > 0 ? previous : null, anchors };
  }
}
