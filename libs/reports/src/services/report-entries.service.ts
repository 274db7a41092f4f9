import { Injectable } from '@nestjs/common';
import { AuditAction, type ChainedEntry, GENESIS_HASH, OCCURRED_AT_ISO } from '@relais/audit';
import { DataSource } from 'typeorm';

import type { ReportCriteria } from '../interfaces/report-criteria.interface.js';
import type { ReportAnchor } from '../interfaces/report-manifest.interface.js';

/** A journal entry as a report prints it: the hashed fields, and names to read it by. */
export interface ReportEntry extends ChainedEntry {
  hash: string;
  /** "24/11/2026 17:12:05", Paris time (computed by PostgreSQL: a million rows format fast). */
  parisTime: string;
  actorName: string | null;
  citizenName: string | null;
  structureName: string | null;
}

/** Counts for the report's summary. */
export interface ReportSummary {
  total: number;
  byAction: { action: string; count: number }[];
  byAide: { aideId: string | null; name: string | null; count: number }[];
  byArea: { area: string; count: number }[];
}

/** The citizen's own visits to the portal, left out of their copy. */
const CITIZEN_VISITS: string[] = [
  AuditAction.CitizenLoggedIn,
  AuditAction.CitizenLoggedOut,
  AuditAction.CitizenHistoryViewed,
  AuditAction.CitizenReportDownloaded,
];

/** Rows read per query: bounded memory whatever the size of the export. */
export const REPORT_PAGE_SIZE = 5000;

/** seq, event_id, occurred_at, paris_time, actor_type, actor_id, structure_id, citizen_id, mandate_id, action, details, prev_hash, hash */
type Row = [
  string,
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

/** The slice of a node-postgres client the cursor uses. */
interface PgClient {
  query(text: string): Promise<unknown>;
  query(config: {
    text: string;
    values: unknown[];
    rowMode: 'array';
    types: { getTypeParser: () => (value: string) => string };
  }): Promise<{ rows: Row[] }>;
}

const RAW_TEXT = { getTypeParser: () => (value: string) => value };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Names kept per export at most (then forgotten and looked up again): bounded memory. */
const NAME_CACHE_LIMIT = 50_000;

/** Names of the aides, citizens and structures of the rows, looked up once per id. */
class NameCache {
  private readonly names = new Map<string, string | null>();

  constructor(private readonly dataSource: DataSource) {}

  async load(rows: Row[]): Promise<void> {
    if (this.names.size > NAME_CACHE_LIMIT) this.names.clear();
    const missing = (values: (string | null)[]) => [
      ...new Set(values.filter((id): id is string => id !== null && UUID.test(id) && !this.names.has(id))),
    ];
    const people = missing(rows.flatMap((row) => [row[4] === 'aide' || row[4] === 'operator' ? row[5] : null]));
    const citizens = missing(rows.map((row) => row[7]));
    const structures = missing(rows.map((row) => row[6]));
    const lookups: [string, string[]][] = [
      [`SELECT id, ${name('t')} AS name FROM aides t WHERE id = ANY($1::uuid[])`, people],
      [`SELECT id, ${name('t')} AS name FROM citizens t WHERE id = ANY($1::uuid[])`, citizens],
      ['SELECT id, name FROM structures WHERE id = ANY($1::uuid[])', structures],
    ];
    for (const [sql, ids] of lookups) {
      if (ids.length === 0) continue;
      for (const id of ids) this.names.set(id, null);
      for (const row of await this.dataSource.query(sql, [ids])) this.names.set(row.id, row.name);
    }
  }

  entry(row: Row): ReportEntry {
    const [seq, eventId, occurredAt, parisTime, actorType, actorId, structureId, citizenId, mandateId, action] = row;
    const person = actorType === 'aide' || actorType === 'operator';
    return {
      seq,
      eventId,
      occurredAt,
      parisTime,
      actorType,
      actorId,
      structureId,
      citizenId,
      mandateId,
      action,
      details: JSON.parse(row[10]) as Record<string, unknown>,
      prevHash: row[11],
      hash: row[12],
      actorName: person && actorId ? (this.names.get(actorId) ?? null) : null,
      citizenName: citizenId ? (this.names.get(citizenId) ?? null) : null,
      structureName: structureId ? (this.names.get(structureId) ?? null) : null,
    };
  }
}

const name = (alias: string) => `NULLIF(trim(concat_ws(' ', ${alias}.given_name, ${alias}.family_name)), '')`;

/** The journal entries an export covers, read in seq order by pages (keyset), and their counts. */
@Injectable()
export class ReportEntries {
  constructor(private readonly dataSource: DataSource) {}

  /** The WHERE clause of the criteria (alias j), with its parameters from $1; up to `untilSeq` if given. */
  private where(criteria: ReportCriteria, untilSeq?: string | null): { sql: string; parameters: unknown[] } {
    const parameters: unknown[] = [criteria.from, criteria.to];
    const clauses = ['j.occurred_at >= $1', 'j.occurred_at < $2'];
    const add = (clause: (n: string) => string, value: unknown) => {
      parameters.push(value);
      clauses.push(clause(`$${parameters.length}`));
    };
    if (criteria.structureId) add((n) => `j.structure_id = ${n}`, criteria.structureId);
    if (criteria.aideId) add((n) => `j.actor_type = 'aide' AND j.actor_id = ${n}`, criteria.aideId);
    if (criteria.citizenId) add((n) => `j.citizen_id = ${n}`, criteria.citizenId);
    // A citizen's copy: what was done for them and under their mandates, not their visits to the portal.
    if (!criteria.structureId) add((n) => `j.action <> ALL(${n}::text[])`, CITIZEN_VISITS);
    if (criteria.area) add((n) => `(j.details->>'area' = ${n} OR j.details->'areas' ? ${n})`, criteria.area);
    if (criteria.action) add((n) => `j.action = ${n}`, criteria.action);
    if (untilSeq !== undefined) add((n) => `j.seq <= ${n}`, untilSeq ?? '0');
    return { sql: clauses.join(' AND '), parameters };
  }

  async count(criteria: ReportCriteria): Promise<number> {
    return (await this.extent(criteria)).count;
  }

  /**
   * How many entries, up to which seq. An export covers exactly these: entries sealed while it is
   * written come after `lastSeq`, so its count, page numbers and progress stay right.
   */
  async extent(criteria: ReportCriteria): Promise<{ count: number; lastSeq: string | null }> {
    const { sql, parameters } = this.where(criteria);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n, max(j.seq)::text AS last FROM audit_journal j WHERE ${sql}`,
      parameters,
    );
    return { count: row.n, lastSeq: row.last };
  }

  /**
   * Every entry of the export up to `untilSeq`, oldest first, `pageSize` at a time, from one
   * server-side cursor (one plan, one pass) on a read-only connection of its own: read-only work
   * has no transaction id, so it never holds back sealing. Rows come as raw text arrays (no row
   * objects, no type parsing); names are looked up per page for the ids not seen yet.
   */
  async *pages(
    criteria: ReportCriteria,
    untilSeq: string | null,
    pageSize = REPORT_PAGE_SIZE,
  ): AsyncGenerator<ReportEntry[]> {
    const { sql, parameters } = this.where(criteria, untilSeq);
    const runner = this.dataSource.createQueryRunner();
    const names = new NameCache(this.dataSource);
    let client: PgClient | null = null;
    let open = false;
    try {
      client = (await runner.connect()) as PgClient;
      await client.query('BEGIN READ ONLY');
      open = true;
      await client.query({
        text: `DECLARE report_entries NO SCROLL CURSOR FOR
                 SELECT j.seq, j.event_id, ${OCCURRED_AT_ISO.replace('occurred_at AT', 'j.occurred_at AT')},
                        to_char(j.occurred_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY HH24:MI:SS') AS paris_time,
                        j.actor_type, j.actor_id, j.structure_id, j.citizen_id, j.mandate_id, j.action,
                        j.details, j.prev_hash, j.hash
                   FROM audit_journal j WHERE ${sql} ORDER BY j.seq`,
        values: parameters,
        rowMode: 'array',
        types: RAW_TEXT,
      });
      const cursor = client;
      const fetch = () =>
        cursor
          .query({
            text: `FETCH ${Number(pageSize)} FROM report_entries`,
            values: [],
            rowMode: 'array',
            types: RAW_TEXT,
          })
          .then((result) => result.rows);
      let next = fetch();
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        next = rows.length < pageSize ? Promise.resolve([]) : fetch();
        await names.load(rows);
        yield rows.map((row) => names.entry(row));
      }
      await next.catch(() => undefined);
      await client.query('COMMIT');
      open = false;
    } finally {
      // Stopped early (the writer failed, the consumer returned): never give the pool an open transaction.
      if (open) await client?.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }

  /** Counts per action, per aide and per procedure area (for the PDF's summary). */
  async summary(criteria: ReportCriteria, untilSeq: string | null): Promise<ReportSummary> {
    const { sql, parameters } = this.where(criteria, untilSeq);
    const [byAction, byAide, byArea] = await Promise.all([
      this.dataSource.query(
        `SELECT j.action, count(*)::int AS count FROM audit_journal j WHERE ${sql} GROUP BY 1 ORDER BY 2 DESC, 1`,
        parameters,
      ),
      this.dataSource.query(
        `SELECT j.actor_id AS "aideId", max(${name('a')}) AS name, count(*)::int AS count
           FROM audit_journal j
           LEFT JOIN aides a ON a.id = CASE WHEN j.actor_id ~ '^[0-9a-f-]{36}$' THEN j.actor_id::uuid END
          WHERE ${sql} AND j.actor_type = 'aide' GROUP BY 1 ORDER BY 3 DESC, 2`,
        parameters,
      ),
      this.dataSource.query(
        `SELECT area, count(*)::int AS count FROM (
           SELECT coalesce(j.details->>'area', a.value) AS area
             FROM audit_journal j
             LEFT JOIN LATERAL jsonb_array_elements_text(
               CASE WHEN jsonb_typeof(j.details->'areas') = 'array' THEN j.details->'areas' END) a(value) ON true
            WHERE ${sql}) t
          WHERE area IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
        parameters,
      ),
    ]);
    const total = byAction.reduce((sum: number, row: { count: number }) => sum + row.count, 0);
    return { total, byAction, byAide, byArea };
  }

  /** The last signed checkpoint before the export's first entry; the journal's start when none. */
  async startAnchor(first: { seq: string } | null): Promise<ReportAnchor> {
    const before = first ? (BigInt(first.seq) - 1n).toString() : null;
    const [row] = await this.dataSource.query(
      `SELECT seq, hash, jws FROM audit_checkpoints ${before === null ? '' : 'WHERE seq <= $1'} ORDER BY seq DESC LIMIT 1`,
      before === null ? [] : [before],
    );
    return row
      ? { seq: row.seq, hash: row.hash, checkpoint: row.jws }
      : { seq: '0', hash: GENESIS_HASH, checkpoint: null };
  }

  /**
   * The first signed checkpoint at or after the export's last entry; that entry itself (unsigned)
   * while no checkpoint covers it yet.
   */
  async endAnchor(last: { seq: string; hash: string }): Promise<ReportAnchor> {
    const [row] = await this.dataSource.query(
      'SELECT seq, hash, jws FROM audit_checkpoints WHERE seq >= $1 ORDER BY seq LIMIT 1',
      [last.seq],
    );
    return row ? { seq: row.seq, hash: row.hash, checkpoint: row.jws } : { ...last, checkpoint: null };
  }
}
