import { Injectable } from '@nestjs/common';
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
 * prev_hash, hash. Array rows without type parsing spare the row parser half its work.
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

/** The slice of a node-postgres client the verifier uses. */
interface PgClient {
  query(config: {
    text: string;
    values: unknown[];
    rowMode: 'array';
    types: { getTypeParser: () => (value: string) => string };
  }): Promise<{ rows: JournalRow[] }>;
}

const RAW_TEXT = { getTypeParser: () => (value: string) => value };

export interface ChainVerification {
  ok: boolean;
  checked: number;
  lastSeq: string | null;
  lastHash: string;
  firstBroken: ChainBreak | null;
}

const PAGE = 10_000n;

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
    const [{ max }] = await this.dataSource.query('SELECT coalesce(max(seq), 0)::text AS max FROM audit_journal');
    const last = BigInt(max);
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PgClient;
      // Pages are seq ranges, so the next one is fetched while this one is hashed.
      const fetchPage = async (from: bigint): Promise<JournalRow[]> =>
        (
          await client.query({
            text: `SELECT seq, event_id, ${OCCURRED_AT_ISO}, actor_type, actor_id, structure_id, citizen_id,
                          mandate_id, action, details, prev_hash, hash
                     FROM audit_journal WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
            values: [from.toString(), (from + PAGE).toString()],
            rowMode: 'array',
            types: RAW_TEXT,
          })
        ).rows;
      let next = fetchPage(1n);
      for (let from = 1n; from <= last; from += PAGE) {
        const rows = await next;
        next = fetchPage(from + PAGE);
        for (const row of rows) {
          const seq = expectedSeq.toString();
          const broken = this.check(row, seq, prevHash) ?? this.checkAnchor(row, anchored, lastAnchor);
          if (broken) {
            await next.catch(() => undefined);
            return { ok: false, checked, lastSeq: row[0], lastHash: prevHash, firstBroken: broken };
          }
          if (anchored.size > 0 && anchored.has(seq)) lastAnchor = expectedSeq;
          prevHash = row[11];
          expectedSeq += 1n;
          checked += 1;
        }
        onProgress?.(checked);
      }
      await next;
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
