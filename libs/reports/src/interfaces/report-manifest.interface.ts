import type { ReportFormat } from '../enums/report-format.enum.js';
import type { ReportCriteria } from './report-criteria.interface.js';

/** A point of the journal chain: an entry's sequence number and hash. */
export interface ChainPoint {
  seq: string;
  hash: string;
}

/** A chain anchor: a point, and the signed checkpoint that states it when there is one. */
export interface ReportAnchor extends ChainPoint {
  /** Compact JWS of the audit checkpoint at this point (libs/audit-checkpoints), or null. */
  checkpoint: string | null;
}

export const REPORT_KIND = 'relais.audit.report';

/**
 * What the platform signs for an export (the detached `.jws` of the file): the file's digest,
 * what it covers, and the chain anchors its entries hang between.
 */
export interface ReportManifest {
  kind: typeof REPORT_KIND;
  version: 1;
  format: ReportFormat;
  fileName: string;
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  structure: { id: string; siret: string; name: string } | null;
  criteria: ReportCriteria;
  generatedAt: string;
  generatedBy: { type: string; id: string | null };
  /** Entries of the export (the rows that are journal entries). */
  count: number;
  firstEntry: ChainPoint | null;
  lastEntry: ChainPoint | null;
  /** The chain runs from `start` (exclusive) to `end` (inclusive) through every row of the CSV. */
  anchors: { start: ReportAnchor; end: ReportAnchor };
}
