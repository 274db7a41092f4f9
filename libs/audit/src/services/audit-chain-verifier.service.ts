import { Injectable } from '@nestjs/common';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import { DataSource } from 'typeorm';

import { entryHash, GENESIS_HASH, OCCURRED_AT_ISO } from './entry-hash.js';

export type ChainBreak =
  | { seq: string; reason: 'gap'; expectedSeq: string }
  | { seq: string; reason: 'prev_hash_mismatch' | 'hash_mismatch' }
  /**
   * The entry at a signed checkpoint's seq (`anchorSeq`) has another hash though the chain links:
   * it was rewritten from some entry between `seq` (after the last matching checkpoint) and there.
   */
  | { seq: string; reason: 'anchor_mismatch'; anchorSeq: string }
  /** The journal ends before a signed checkpoint: entries from `seq` to `anchorSeq` were removed. */
  | { seq: string; reason: 'missing'; anchorSeq: string };

/** A (seq, hash) pair known from elsewhere, e.g. a signed checkpoint, that the journal must hold. */
export interface ChainAnchor {
  seq: string;
  hash: string;
}

/**
 * An audit_journal row as PostgreSQL sends it, every column as text, in this order: seq, event_id,
 * occurred_at, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details,
 * prev_hash, hash, split from COPY's text output (no row parser, no type parsing).
 */
type JournalRow = [
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  string,
];

/** The slice of a node-postgres client the verifier uses: a COPY … TO STDOUT stream. */
interface PgClient {
  query(stream: CopyToStreamQuery): CopyToStreamQuery;
}

const UNESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * One line of COPY's text format as its fields: tab-separated, `\N` for NULL, and backslash
 * escapes (PostgreSQL writes only `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\v` in COPY TO) undone.
 */
export function copyTextFields(line: string): Array<string | null> {
  return line.split('\t').map((field) => {
    if (field === '\\N') return null;
    if (!field.includes('\\')) return field;
    return field.replace(/\\(.)/g, (_escape, char: string) => UNESCAPED[char] ?? char);
  });
}

/** The lines of a COPY TO stream, decoded, without their newline; a line is never cut between chunks. */
async function* copyLines(stream: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) {
      rest = Buffer.concat([rest, chunk]);
      continue;
    }
    const text = (rest.length ? Buffer.concat([rest, chunk.subarray(0, end)]) : chunk.subarray(0, end)).toString();
    rest = Buffer.from(chunk.subarray(end + 1));
    yield text.split('\n');
  }
  if (rest.length) yield [rest.toString()];
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  lastSeq: string | null;
  lastHash: string;
  firstBroken: ChainBreak | null;
}

const PROGRESS_EVERY = 10_000;

/** Walks the journal in order and names the first entry whose link or content does not match. */
@Injectable()
export class AuditChainVerifier {
  constructor(private readonly dataSource: DataSource) {}

  async count(): Promise<number> {
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM audit_journal');
    return count;
  }

  /** With anchors, the entry at each anchor's seq must have its hash, and the journal must reach the last one. */
  async verify(
    onProgress?: (checked: number) => void,
    anchors: readonly ChainAnchor[] = [],
  ): Promise<ChainVerification> {
    const anchored = new Map(anchors.map((anchor) => [anchor.seq, anchor.hash]));
    let expectedSeq = 1n;
    let lastAnchor = 0n;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PgClient;
      // One COPY of the whole journal in seq order, split here: no row parser, no page round
      // trips; PostgreSQL produces the next rows on one core while they are hashed on the other.
      const stream = client.query(
        copyTo(
          `COPY (SELECT seq, event_id, ${OCCURRED_AT_ISO}, actor_type, actor_id, structure_id, citizen_id,
                             mandate_id, action, details, prev_hash, hash
                        FROM audit_journal ORDER BY seq) TO STDOUT`,
          // A deep buffer: PostgreSQL keeps sending while a chunk is hashed, instead of waiting
          // for each 16 kB to be read (a handoff per chunk costs much on a loaded machine).
          { highWaterMark: 16 * 1024 * 1024 },
        ),
      );
      let broken: ChainVerification | null = null;
      for await (const lines of copyLines(stream)) {
        if (broken) continue; // drained to the end, so the connection goes back to the pool clean
        for (const line of lines) {
          const row = copyTextFields(line) as JournalRow;
          const seq = expectedSeq.toString();
          const problem = this.check(row, seq, prevHash) ?? this.checkAnchor(row, anchored, lastAnchor);
          if (problem) {
            broken = { ok: false, checked, lastSeq: row[0], lastHash: prevHash, firstBroken: problem };
            break;
          }
          if (anchored.size > 0 && anchored.has(seq)) lastAnchor = expectedSeq;
          prevHash = row[11];
          expectedSeq += 1n;
          checked += 1;
          if (checked % PROGRESS_EVERY === 0) onProgress?.(checked);
        }
      }
      if (broken) return broken;
      onProgress?.(checked);
    } finally {
      await runner.release();
    }
    const lastSeq = checked === 0 ? null : (expectedSeq - 1n).toString();
    const beyond = anchors.reduce((max, anchor) => (BigInt(anchor.seq) > max ? BigInt(anchor.seq) : max), 0n);
    if (beyond >= expectedSeq) {
      const firstBroken: ChainBreak = { seq: expectedSeq.toString(), reason: 'missing', anchorSeq: beyond.toString() };
      return { ok: false, checked, lastSeq, lastHash: prevHash, firstBroken };
    }
    return { ok: true, checked, lastSeq, lastHash: prevHash, firstBroken: null };
  }

  private checkAnchor(row: JournalRow, anchored: ReadonlyMap<string, string>, lastAnchor: bigint): ChainBreak | null {
    const hash = anchored.get(row[0]);
    if (hash === undefined || hash === row[11]) return null;
    return { seq: (lastAnchor + 1n).toString(), reason: 'anchor_mismatch', anchorSeq: row[0] };
  }

  private check(row: JournalRow, expectedSeq: string, prevHash: string): ChainBreak | null {
    const [seq, eventId, occurredAt, actorType, actorId, structureId, citizenId, mandateId, action, details] = row;
    if (seq !== expectedSeq) return { seq, reason: 'gap', expectedSeq };
    if (row[10] !== prevHash) return { seq, reason: 'prev_hash_mismatch' };
    const recomputed = entryHash({
      seq,
      eventId,
      occurredAt,
      actorType,
      actorId,
      structureId,
      citizenId,
      mandateId,
      action,
      details: JSON.parse(details),
      prevHash,
    });
    return recomputed === row[11] ? null : { seq, reason: 'hash_mismatch' };
  }
}
