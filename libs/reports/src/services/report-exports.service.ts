import { PassThrough, Readable, type Writable } from 'node:stream';

import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { QueueName, ReportsJob } from '@relais/queue';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { ReportFormat, ReportStatus } from '../enums/report-format.enum.js';
import type { ReportCriteria, ReportRequest, ReportRequester } from '../interfaces/report-criteria.interface.js';
import type { ReportManifest } from '../interfaces/report-manifest.interface.js';
import { ChunkSink } from './chunk-sink.js';
import { ReportEntries } from './report-entries.service.js';
import { ReportScope, type ScopedReport } from './report-scope.service.js';
import { ReportWriter } from './report-writer.service.js';

/** How long a request waits for Redis before it leaves the export to the worker's requeue. */
const REDIS_WAIT_MS = 2000;

/** An export as its progress page shows it. */
export interface ReportExport {
  id: string;
  format: ReportFormat;
  status: ReportStatus;
  total: number;
  done: number;
  percent: number;
  fileName: string;
  byteSize: number | null;
  createdAt: Date;
  expiresAt: Date;
  criteria: ReportCriteria;
}

interface StoredExport {
  id: string;
  requester_type: string;
  requester_id: string;
  structure_id: string | null;
  criteria: ReportCriteria & { filterLabels?: string[]; structure?: ReportManifest['structure'] };
  format: ReportFormat;
  status: ReportStatus;
  total: number;
  done: number;
  file_name: string;
  byte_size: string | null;
  signature: string | null;
  created_at: Date;
  expires_at: Date;
}

const toExport = (row: StoredExport): ReportExport => ({
  id: row.id,
  format: row.format,
  status: row.status,
  total: row.total,
  done: row.done,
  percent: row.status === ReportStatus.Done ? 100 : row.total > 0 ? Math.floor((row.done * 100) / row.total) : 0,
  fileName: row.file_name,
  byteSize: row.byte_size === null ? null : Number(row.byte_size),
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  criteria: row.criteria,
});

export function requesterActor(requester: ReportRequester) {
  if (requester.type === 'citizen') return { type: AuditActorType.Citizen, id: requester.citizenId };
  return { type: requester.type === 'aide' ? AuditActorType.Aide : AuditActorType.Operator, id: requester.aideId };
}

const requesterId = (requester: ReportRequester) =>
  requester.type === 'citizen' ? requester.citizenId : requester.aideId;

/** "journal-21750001600019-2026-11-01-au-2026-11-30.csv" */
export function reportFileName(scoped: ScopedReport, format: ReportFormat): string {
  const who = scoped.structure ? scoped.structure.siret : 'usager';
  return `journal-${who}-${scoped.criteria.fromDay}-au-${scoped.criteria.toDay}.${format}`;
}

/**
 * Audit report exports as background jobs: asked for (an audit event), written by the worker
 * into PostgreSQL, followed on a progress page, downloaded by the person who asked, deleted when
 * they expire. Stored in PostgreSQL so every api process can serve them.
 */
@Injectable()
export class ReportExports {
  private readonly logger = new Logger(ReportExports.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: ReportScope,
    private readonly entries: ReportEntries,
    private readonly writer: ReportWriter,
    private readonly audit: AuditRecorder,
    @InjectQueue(QueueName.Reports) private readonly queue: Queue,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /** The criteria after the scope rules, and how many entries they cover (shown before exporting). */
  async preview(requester: ReportRequester, request: ReportRequest): Promise<ScopedReport & { count: number }> {
    const scoped = await this.scope.resolve(requester, request);
    return { ...scoped, count: await this.entries.count(scoped.criteria) };
  }

  /** Records the request (with its audit event) and queues the job; returns the export's id. */
  async request(requester: ReportRequester, request: ReportRequest, format: ReportFormat): Promise<string> {
    if (!Object.values(ReportFormat).includes(format)) throw new DomainException(ErrorCode.NotFound);
    const scoped = await this.scope.resolve(requester, request);
    const total = await this.entries.count(scoped.criteria);
    const id = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO report_exports (requester_type, requester_id, structure_id, criteria, format, total, file_name, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(hours => $8)) RETURNING id`,
        [
          requester.type,
          requesterId(requester),
          scoped.structure?.id ?? null,
          { ...scoped.criteria, filterLabels: scoped.filterLabels, structure: scoped.structure },
          format,
          total,
          reportFileName(scoped, format),
          this.config.REPORT_EXPIRY_HOURS,
        ],
      );
      await this.audit.record(manager, {
        action: AuditAction.ReportExportRequested,
        actor: requesterActor(requester),
        structureId: scoped.structure?.id ?? null,
        citizenId: scoped.criteria.citizenId,
        details: { exportId: row.id, format, ...withoutNulls(scoped.criteria) },
      });
      return row.id as string;
    });
    await this.enqueue([id]);
    return id;
  }

  /**
   * Queues the jobs of the given exports, at most once each (job id `report-<id>`). Redis down:
   * logged, not thrown after REDIS_WAIT_MS; the export stays `queued` and `requeueWaiting` (the
   * worker's scheduler) queues it again once Redis answers.
   */
  private async enqueue(ids: string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
    });
    try {
      await Promise.race([this.queue.addBulk(generateJobs(ids)), timeout]);
    } catch (error) {
      this.logger.warn(
        { exportIds: ids, error: (error as Error).message },
        'reports queue unavailable; the export stays queued until the worker queues it again',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The worker's scheduler: exports still `queued` after REPORT_REQUEUE_AFTER_SECONDS get their job
   * again (a job already in the queue is left as it is). Returns how many were looked at.
   */
  async requeueWaiting(): Promise<number> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM report_exports
        WHERE status = 'queued' AND expires_at > now() AND created_at <= now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT 1000`,
      [this.config.REPORT_REQUEUE_AFTER_SECONDS],
    );
    if (rows.length > 0) await this.queue.addBulk(generateJobs(rows.map((row) => row.id)));
    return rows.length;
  }

  /**
   * Writes an export straight to a stream (the operator's command line), journaled like the others.
   */
  async exportTo(
    requester: ReportRequester,
    request: ReportRequest,
    format: ReportFormat,
    target: Writable,
    onProgress?: (done: number, total: number) => unknown,
  ) {
    const scoped = await this.scope.resolve(requester, request);
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: AuditAction.ReportExportRequested,
        actor: requesterActor(requester),
        structureId: scoped.structure?.id ?? null,
        citizenId: scoped.criteria.citizenId,
        details: { format, via: 'cli', ...withoutNulls(scoped.criteria) },
      }),
    );
    return this.writer.write(
      {
        criteria: scoped.criteria,
        format,
        fileName: reportFileName(scoped, format),
        structure: scoped.structure,
        generatedBy: { ...requesterActor(requester), name: 'Opérateur de la plateforme (ligne de commande)' },
        filterLabels: scoped.filterLabels,
      },
      target,
      onProgress,
    );
  }

  /**
   * The citizen's own copy: a plain-French PDF of everything done under their mandates (by aides,
   * and by the platform: ends, revocations), from their first mandate to today. Small, so written
   * at once rather than as a job; journaled as a download.
   */
  async citizenCopy(citizenId: string): Promise<{ pdf: Buffer; fileName: string }> {
    const [row] = await this.dataSource.query(
      `SELECT to_char(coalesce(min(created_at), now()) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS first,
              to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS today,
              (SELECT concat_ws(' ', given_name, family_name) FROM citizens WHERE id = $1) AS name
         FROM mandates WHERE citizen_id = $1`,
      [citizenId],
    );
    const requester: ReportRequester = { type: 'citizen', citizenId };
    const scoped = await this.scope.resolve(requester, { from: row.first, to: row.today });
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: AuditAction.CitizenReportDownloaded,
        actor: requesterActor(requester),
        citizenId,
      }),
    );
    const chunks: Buffer[] = [];
    const target = new PassThrough();
    target.on('data', (chunk: Buffer) => chunks.push(chunk));
    const fileName = `releve-mandats-${row.today}.pdf`;
    await this.writer.write(
      {
        ...scoped,
        format: ReportFormat.Pdf,
        fileName,
        generatedBy: { type: 'citizen', id: citizenId, name: row.name || 'vous' },
        citizenCopy: true,
      },
      target,
    );
    return { pdf: Buffer.concat(chunks), fileName };
  }

  /** The requester's own export; anyone else's (or an unknown id) is a 404. */
  async find(requester: ReportRequester, id: string): Promise<ReportExport> {
    return toExport(await this.stored(requester, id));
  }

  /** The file (streamed chunk by chunk) or its signature, journaled as a download. */
  async open(requester: ReportRequester, id: string, part: 'file' | 'signature') {
    const stored = await this.stored(requester, id);
    if (stored.status !== ReportStatus.Done) throw new DomainException(ErrorCode.NotFound);
    if (part === 'signature') {
      return {
        fileName: `${stored.file_name}.jws`,
        size: stored.signature!.length,
        stream: Readable.from([stored.signature!]),
      };
    }
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: AuditAction.ReportDownloaded,
        actor: requesterActor(requester),
        structureId: stored.structure_id,
        details: { exportId: id, format: stored.format },
      }),
    );
    return { fileName: stored.file_name, size: Number(stored.byte_size), stream: Readable.from(this.chunks(id)) };
  }

  private async *chunks(id: string): AsyncGenerator<Buffer> {
    for (let n = 0; ; n++) {
      const [row] = await this.dataSource.query(
        'SELECT data FROM report_export_chunks WHERE export_id = $1 AND n = $2',
        [id, n],
      );
      if (!row) return;
      yield row.data as Buffer;
    }
  }

  private async stored(requester: ReportRequester, id: string): Promise<StoredExport> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DomainException(ErrorCode.NotFound);
    const [row] = await this.dataSource.query(
      `SELECT * FROM report_exports WHERE id = $1 AND requester_type = $2 AND requester_id = $3 AND expires_at > now()`,
      [id, requester.type, requesterId(requester)],
    );
    if (!row) throw new DomainException(ErrorCode.NotFound);
    return row;
  }

  /**
   * The worker's job: writes the file into report_export_chunks (a retry starts over), signs it.
   * An export deleted or expired meanwhile is skipped; one already done is left as it is.
   */
  async generate(id: string): Promise<{ entries: number } | null> {
    const [row]: StoredExport[] = await this.dataSource.query(
      'SELECT * FROM report_exports WHERE id = $1 AND expires_at > now()',
      [id],
    );
    if (!row || row.status === ReportStatus.Done) return null;
    await this.dataSource.query('DELETE FROM report_export_chunks WHERE export_id = $1', [id]);
    await this.dataSource.query(`UPDATE report_exports SET status = 'running', done = 0 WHERE id = $1`, [id]);
    const { filterLabels = [], structure = null, ...criteria } = row.criteria;
    const written = await this.writer.write(
      {
        criteria,
        format: row.format,
        fileName: row.file_name,
        structure,
        generatedBy: { type: row.requester_type, id: row.requester_id, name: await this.requesterName(row) },
        filterLabels,
        citizenCopy: row.requester_type === 'citizen',
      },
      new ChunkSink(this.dataSource, id),
      (done, total) =>
        this.dataSource.query('UPDATE report_exports SET done = $2, total = $3 WHERE id = $1', [id, done, total]),
    );
    await this.dataSource.query(
      `UPDATE report_exports SET status = 'done', done = $2, total = $2, sha256 = $3, signature = $4, byte_size = $5,
              finished_at = now() WHERE id = $1`,
      [id, written.manifest.count, written.manifest.sha256, written.signature, written.bytes],
    );
    return { entries: written.manifest.count };
  }

  /** After the last retry: the progress page says it failed. */
  async markFailed(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE report_exports SET status = 'failed' WHERE id = $1`, [id]);
    this.logger.warn({ exportId: id }, 'report export failed');
  }

  /** Deletes expired exports and their files (chunks go with the row). */
  async deleteExpired(): Promise<number> {
    const [row] = await this.dataSource.query(
      'WITH gone AS (DELETE FROM report_exports WHERE expires_at <= now() RETURNING 1) SELECT count(*)::int AS n FROM gone',
    );
    return row.n;
  }

  private async requesterName(row: StoredExport): Promise<string> {
    const [person] = await this.dataSource.query(
      row.requester_type === 'citizen'
        ? `SELECT concat_ws(' ', given_name, family_name) AS name FROM citizens WHERE id = $1`
        : `SELECT coalesce(NULLIF(trim(concat_ws(' ', given_name, family_name)), ''), email) AS name FROM aides WHERE id = $1`,
      [row.requester_id],
    );
    const role = row.requester_type === 'operator' ? ' (opérateur)' : '';
    return `${person?.name ?? 'inconnu'}${role}`;
  }
}

/** One `generate-report` job per export, its id `report-<id>`: BullMQ adds a job id only once. */
function generateJobs(ids: string[]) {
  return ids.map((exportId) => ({
    name: ReportsJob.Generate,
    data: { exportId },
    opts: { jobId: `report-${exportId}` },
  }));
}

function withoutNulls(criteria: ReportCriteria): Record<string, string> {
  return Object.fromEntries(Object.entries(criteria).filter(([, value]) => value !== null)) as Record<string, string>;
}
