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

interface Row {
  seq: string;
  event_id: string;
  occurred_at: string;
  paris_time: string;
  actor_type: string;
  actor_id: string | null;
  structure_id: string | null;
  citizen_id: string | null;
  mandate_id: string | null;
  action: string;
  details: string;
  prev_hash: string;
  hash: string;
  actor_name: string | null;
  citizen_name: string | null;
  structure_name: string | null;
}

const name = (alias: string) => `NULLIF(trim(concat_ws(' ', ${alias}.given_name, ${alias}.family_name)), '')`;

/** The journal entries an export covers, read in seq order by pages (keyset), and their counts. */
@Injectable()
export class ReportEntries {
  constructor(private readonly dataSource: DataSource) {}

  /** The WHERE clause of the criteria (alias j), with its parameters from $1. */
  private where(criteria: ReportCriteria): { sql: string; parameters: unknown[] } {
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
    return { sql: clauses.join(' AND '), parameters };
  }

  async count(criteria: ReportCriteria): Promise<number> {
    const { sql, parameters } = this.where(criteria);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_journal j WHERE ${sql}`,
      parameters,
    );
    return row.n;
  }

  /** Every entry of the export, oldest seq first, REPORT_PAGE_SIZE at a time. */
  async *pages(criteria: ReportCriteria, pageSize = REPORT_PAGE_SIZE): AsyncGenerator<ReportEntry[]> {
    const { sql, parameters } = this.where(criteria);
    const after = parameters.length + 1;
    let last = '0';
    for (;;) {
      const rows: Row[] = await this.dataSource.query(
        `SELECT j.seq, j.event_id, ${OCCURRED_AT_ISO.replace('occurred_at AT', 'j.occurred_at AT')},
                to_char(j.occurred_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY HH24:MI:SS') AS paris_time,
                j.actor_type, j.actor_id, j.structure_id, j.citizen_id, j.mandate_id, j.action,
                j.details::text AS details, j.prev_hash, j.hash,
                ${name('a')} AS actor_name, ${name('c')} AS citizen_name, s.name AS structure_name
           FROM audit_journal j
           LEFT JOIN structures s ON s.id = j.structure_id
           LEFT JOIN aides a ON j.actor_type IN ('aide', 'operator')
                AND a.id = CASE WHEN j.actor_id ~ '^[0-9a-f-]{36}$' THEN j.actor_id::uuid END
           LEFT JOIN citizens c ON c.id = j.citizen_id
          WHERE ${sql} AND j.seq > $${after}
          ORDER BY j.seq LIMIT ${Number(pageSize)}`,
        [...parameters, last],
      );
      if (rows.length === 0) return;
      yield rows.map((row) => ({
        seq: row.seq,
        eventId: row.event_id,
        occurredAt: row.occurred_at,
        parisTime: row.paris_time,
        actorType: row.actor_type,
        actorId: row.actor_id,
        structureId: row.structure_id,
        citizenId: row.citizen_id,
        mandateId: row.mandate_id,
        action: row.action,
        details: JSON.parse(row.details) as Record<string, unknown>,
        prevHash: row.prev_hash,
        hash: row.hash,
        actorName: row.actor_name,
        citizenName: row.citizen_name,
        structureName: row.structure_name,
      }));
      if (rows.length < pageSize) return;
      last = rows[rows.length - 1].seq;
    }
  }

  /** Counts per action, per aide and per procedure area (for the PDF's summary). */
  async summary(criteria: ReportCriteria): Promise<ReportSummary> {
    const { sql, parameters } = this.where(criteria);
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
