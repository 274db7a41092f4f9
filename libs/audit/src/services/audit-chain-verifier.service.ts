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

/** An audit_journal row as PostgreSQL returns it. */
interface JournalRow {
  seq: string;
  event_id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  structure_id: string | null;
  citizen_id: string | null;
  mandate_id: string | null;
  action: string;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

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
    // Pages are seq ranges, so the next one is fetched while this one is hashed.
    const fetchPage = (from: bigint): Promise<JournalRow[]> =>
      this.dataSource.query(
        `SELECT seq, event_id, ${OCCURRED_AT_ISO}, actor_type, actor_id, structure_id, citizen_id, mandate_id,
                action, details, prev_hash, hash
           FROM audit_journal WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
        [from.toString(), (from + PAGE).toString()],
      );
    let next = fetchPage(1n);
    for (let from = 1n; from <= last; from += PAGE) {
      const rows = await next;
      next = fetchPage(from + PAGE);
      for (const row of rows) {
        const broken = this.check(row, expectedSeq, prevHash) ?? this.checkAnchor(row, anchored, lastAnchor);
        if (broken) {
          next.catch(() => undefined);
          return { ok: false, checked, lastSeq: row.seq, lastHash: prevHash, firstBroken: broken };
        }
        if (anchored.has(row.seq)) lastAnchor = expectedSeq;
        prevHash = row.hash;
        expectedSeq += 1n;
        checked += 1;
      }
      onProgress?.(checked);
    }
    await next;
    const lastSeq = checked === 0 ? null : (expectedSeq - 1n).toString();
    const beyond = anchors.reduce((max, anchor) => (BigInt(anchor.seq) > max ? BigInt(anchor.seq) : max), 0n);
    if (beyond >= expectedSeq) {
      const firstBroken: ChainBreak = { seq: expectedSeq.toString(), reason: 'missing', anchorSeq: beyond.toString() };
      return { ok: false, checked, lastSeq, lastHash: prevHash, firstBroken };
    }
    return { ok: true, checked, lastSeq, lastHash: prevHash, firstBroken: null };
  }

  private checkAnchor(row: JournalRow, anchored: ReadonlyMap<string, string>, lastAnchor: bigint): ChainBreak | null {
    const hash = anchored.get(row.seq);
    if (hash === undefined || hash === row.hash) return null;
    return { seq: (lastAnchor + 1n).toString(), reason: 'anchor_mismatch', anchorSeq: row.seq };
  }

  private check(row: JournalRow, expectedSeq: bigint, prevHash: string): ChainBreak | null {
    if (BigInt(row.seq) !== expectedSeq) return { seq: row.seq, reason: 'gap', expectedSeq: expectedSeq.toString() };
    if (row.prev_hash !== prevHash) return { seq: row.seq, reason: 'prev_hash_mismatch' };
    const recomputed = entryHash({
      seq: row.seq,
      eventId: row.event_id,
      occurredAt: row.occurred_at,
      actorType: row.actor_type,
      actorId: row.actor_id,
      structureId: row.structure_id,
      citizenId: row.citizen_id,
      mandateId: row.mandate_id,
      action: row.action,
      details: row.details,
      prevHash: row.prev_hash,
    });
    return recomputed === row.hash ? null : { seq: row.seq, reason: 'hash_mismatch' };
  }
}
