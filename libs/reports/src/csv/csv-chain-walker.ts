import { entryHash } from '@relais/audit';

import type { ChainPoint } from '../interfaces/report-manifest.interface.js';
import { CSV_COLUMNS, type CsvColumn } from './report-csv.js';

/** The first thing wrong with a CSV report's rows, named by its row in a spreadsheet (header = 1). */
export type ChainProblem =
  | { kind: 'unreadable'; row: number }
  | { kind: 'altered'; row: number; seq: string }
  | { kind: 'missing'; row: number; fromSeq: string; toSeq: string }
  | { kind: 'out_of_order'; row: number; seq: string }
  | { kind: 'broken_link'; row: number; seq: string }
  | { kind: 'missing_tail'; fromSeq: string; toSeq: string }
  | { kind: 'wrong_count'; expected: number; found: number };

const SEQ = /^[1-9][0-9]*$/;
const HASH = /^[0-9a-f]{64}$/;

const orNull = (value: string) => (value === '' ? null : value);

/**
 * Walks a CSV report's records in order, from the start anchor: recomputes each entry's hash
 * from its chained columns, checks each row hangs from the one before (sequence + 1, previous
 * hash), and stops at the first problem. `finish` checks the chain reaches the end anchor.
 */
export class CsvChainWalker {
  private expected: ChainPoint;
  entries = 0;
  problem: ChainProblem | null = null;
  private row = 1;

  constructor(start: ChainPoint) {
    this.expected = start;
  }

  /** The header, as parsed: the columns must be ours, in our order. */
  static headerMatches(header: string[]): boolean {
    return header.length === CSV_COLUMNS.length && header.every((name, index) => name === CSV_COLUMNS[index]);
  }

  /** One record (after the header); false once a problem is found. */
  feed(values: string[]): boolean {
    this.row++;
    if (this.problem) return false;
    const row = this.row;
    if (values.length !== CSV_COLUMNS.length) return this.fail({ kind: 'unreadable', row });
    const cell = Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, values[index]])) as Record<
      CsvColumn,
      string
    >;
    if (!SEQ.test(cell.sequence) || !HASH.test(cell.hash) || !HASH.test(cell.hash_precedent)) {
      return this.fail({ kind: 'unreadable', row });
    }
    const seq = BigInt(cell.sequence);
    const next = BigInt(this.expected.seq) + 1n;
    if (seq > next) {
      return this.fail({ kind: 'missing', row, fromSeq: String(next), toSeq: String(seq - 1n) });
    }
    if (seq < next) return this.fail({ kind: 'out_of_order', row, seq: cell.sequence });
    const isRange = cell.sequence_fin !== '';
    if (!isRange) {
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(cell.details);
      } catch {
        return this.fail({ kind: 'altered', row, seq: cell.sequence });
      }
      const recomputed = entryHash({
        seq: cell.sequence,
        eventId: cell.evenement_id,
        occurredAt: cell.horodatage_utc,
        actorType: cell.type_acteur,
        actorId: orNull(cell.acteur_id),
        structureId: orNull(cell.structure_id),
        citizenId: orNull(cell.usager_id),
        mandateId: orNull(cell.mandat_id),
        action: cell.action,
        details,
        prevHash: cell.hash_precedent,
      });
      if (recomputed !== cell.hash) return this.fail({ kind: 'altered', row, seq: cell.sequence });
    } else if (!SEQ.test(cell.sequence_fin) || BigInt(cell.sequence_fin) < seq) {
      return this.fail({ kind: 'unreadable', row });
    }
    if (cell.hash_precedent !== this.expected.hash) {
      return this.fail({ kind: 'broken_link', row, seq: cell.sequence });
    }
    if (!isRange) this.entries++;
    this.expected = { seq: isRange ? cell.sequence_fin : cell.sequence, hash: cell.hash };
    return true;
  }

  /** After the last record: the chain must end exactly at the end anchor, with the signed count. */
  finish(end: ChainPoint, count: number): ChainProblem | null {
    if (this.problem) return this.problem;
    const reached = BigInt(this.expected.seq);
    if (reached < BigInt(end.seq)) {
      this.fail({ kind: 'missing_tail', fromSeq: String(reached + 1n), toSeq: end.seq });
      return this.problem;
    }
    if (reached > BigInt(end.seq) || this.expected.hash !== end.hash) {
      this.problem = { kind: 'broken_link', row: this.row, seq: this.expected.seq };
    } else if (this.entries !== count) {
      this.problem = { kind: 'wrong_count', expected: count, found: this.entries };
    }
    return this.problem;
  }

  private fail(problem: ChainProblem): false {
    this.problem = problem;
    return false;
  }
}
