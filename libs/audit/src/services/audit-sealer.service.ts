import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';

import { entryHash, GENESIS_HASH, OCCURRED_AT_ISO, type ChainedEntry } from './entry-hash.js';

/** Two-key advisory lock that serialises sealers across every worker process. */
const SEALER_LOCK = [7262, 1] as const;

interface OutboxRow {
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  structure_id: string | null;
  citizen_id: string | null;
  mandate_id: string | null;
  action: string;
  details: Record<string, unknown>;
}

/**
 * Moves audit events from the outbox into the hash-chained journal, in one transaction per batch:
 * the journal rows are inserted and the outbox rows deleted together, so a sealer killed at any
 * point leaves every event either sealed once or still pending.
 */
@Injectable()
export class AuditSealer {
  private readonly logger = new Logger(AuditSealer.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /** Seals until the outbox holds nothing sealable; returns how many events were sealed. */
  async sealPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealBatch(this.config.AUDIT_SEAL_BATCH_SIZE);
      total += sealed ?? 0;
      if (sealed === null || sealed < this.config.AUDIT_SEAL_BATCH_SIZE) break;
    }
    if (total > 0) this.logger.log({ sealed: total }, 'audit events sealed');
    return total;
  }

  /** Seconds the oldest event still in the outbox has waited to be sealed; 0 when none waits. For metrics. */
  async sealingLagSeconds(now = new Date()): Promise<number> {
    // The lowest id is the oldest waiting event, found through the primary key.
    const [oldest] = await this.dataSource.query('SELECT occurred_at FROM audit_outbox ORDER BY id LIMIT 1');
    return oldest ? Math.max(0, (now.getTime() - new Date(oldest.occurred_at).getTime()) / 1000) : 0;
  }

  /** Seals one batch; null when another sealer holds the lock. */
  async sealBatch(limit: number): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [...SEALER_LOCK]);
      if (!locked) return null;
      // Only rows whose writing transactions have all ended: a transaction still open with a
      // lower id could otherwise commit after we sealed past it, and its event would be skipped.
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, ${OCCURRED_AT_ISO}, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details
           FROM audit_outbox
          WHERE xid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY id
          LIMIT $1`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const [last] = await manager.query('SELECT seq, hash FROM audit_journal ORDER BY seq DESC LIMIT 1');
      await this.insertJournal(manager, chain(rows, last));
      await manager.query('DELETE FROM audit_outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  /**
   * The chained entries go in with COPY … FROM STDIN (text format) on the transaction's own
   * connection: no array parameters to serialise and parse, about half the cost of an INSERT …
   * SELECT FROM unnest(…) of the same rows. They are hashed as the stream asks for them, so
   * PostgreSQL inserts a chunk while the next one is hashed, instead of waiting for the whole batch.
   */
  private async insertJournal(
    manager: EntityManager,
    entries: Iterable<ChainedEntry & { hash: string }>,
  ): Promise<void> {
    const client = (await manager.queryRunner!.connect()) as { query(stream: CopyStreamQuery): CopyStreamQuery };
    await pipeline(
      Readable.from(chunks(copyLines(entries))),
      client.query(
        copyFrom(`COPY audit_journal (seq, event_id, occurred_at, actor_type, actor_id, structure_id, citizen_id,
                                      mandate_id, action, details, prev_hash, hash) FROM STDIN`),
      ),
    );
  }
}

/** The outbox rows as journal entries chained after `last` (the journal's last entry, if any), one at a time. */
function* chain(
  rows: OutboxRow[],
  last: { seq: string; hash: string } | undefined,
): Generator<ChainedEntry & { hash: string }> {
  let seq = BigInt(last?.seq ?? 0);
  let prevHash: string = last?.hash ?? GENESIS_HASH;
  for (const row of rows) {
    seq += 1n;
    const entry: ChainedEntry = {
      seq: seq.toString(),
      eventId: row.id,
      occurredAt: row.occurred_at,
      actorType: row.actor_type,
      actorId: row.actor_id,
      structureId: row.structure_id,
      citizenId: row.citizen_id,
      mandateId: row.mandate_id,
      action: row.action,
      details: row.details,
      prevHash,
    };
    prevHash = entryHash(entry);
    yield { ...entry, hash: prevHash };
  }
}

/** Entries as lines of COPY's text format. */
function* copyLines(entries: Iterable<ChainedEntry & { hash: string }>): Generator<string> {
  for (const e of entries) {
    yield (
      `${e.seq}\t${e.eventId}\t${e.occurredAt}\t${copyText(e.actorType)}\t${copyText(e.actorId)}\t` +
      `${copyText(e.structureId)}\t${copyText(e.citizenId)}\t${copyText(e.mandateId)}\t${copyText(e.action)}\t` +
      `${copyText(JSON.stringify(e.details))}\t${e.prevHash}\t${e.hash}\n`
    );
  }
}

/** A value in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage return escaped. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => COPY_ESCAPES[char]) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Lines joined into chunks of about 64 kB, so the stream is not written row by row. */
function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
