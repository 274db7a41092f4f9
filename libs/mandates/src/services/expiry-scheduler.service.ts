import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { MandatesJob, QueueName } from '@relais/queue';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { MandateStatus } from '../enums/mandate-status.enum.js';

/** How long a request may wait on Redis: past that the api goes on and the sweep catches up. */
const REDIS_WAIT_MS = 2000;
/** At most this many distinct end instants are re-armed per sweep. */
const REARM_LIMIT = 1000;

export interface RevocationPropagation {
  mandateId: string;
  revokedAt: string;
  /** Every area revoked (the mandate ended), or only some. */
  whole: boolean;
}

/** Stable job id of a mandate's expiry: scheduling twice adds one job. */
export function expiryJobId(mandateId: string): string {
  return `expire-${mandateId}`;
}

/**
 * The mandates queue seen from the api: a delayed `expire-mandate` job at each mandate's end and a
 * `propagate-revocation` job after each revocation, both added after the commit. Redis being down
 * never fails the citizen's request: the expiry sweep re-arms what is missing, and the
 * periodic delegations sweep ends what a revocation opened (the rule refuses it at once anyway).
 */
@Injectable()
export class ExpiryScheduler {
  private readonly logger = new Logger(ExpiryScheduler.name);

  constructor(
    @InjectQueue(QueueName.Mandates) private readonly queue: Queue,
    private readonly dataSource: DataSource,
  ) {}

  async scheduleExpiry(mandate: { id: string; expiresAt: Date | null }, now = new Date()): Promise<void> {
    if (!mandate.expiresAt) return;
    await this.add(
      MandatesJob.Expire,
      { mandateId: mandate.id },
      {
        jobId: expiryJobId(mandate.id),
        delay: Math.max(0, mandate.expiresAt.getTime() - now.getTime()),
      },
    );
  }

  /** After a revocation: the expiry job has nothing left to do, the propagation job does. */
  async revoked(propagation: RevocationPropagation): Promise<void> {
    if (propagation.whole) await this.settle(this.queue.remove(expiryJobId(propagation.mandateId)), 'remove');
    await this.add(MandatesJob.PropagateRevocation, propagation, {
      jobId: `revocation-${propagation.mandateId}-${new Date(propagation.revokedAt).getTime()}`,
    });
  }

  /**
   * The sweep's second half: an expiry job for each end instant within `horizonMs`, so that a lost
   * job (Redis flushed, restored from an old snapshot) is back before its time. One job per
   * instant is enough, since a job expires every mandate due.
   */
  async rearm(horizonMs: number, now = new Date()): Promise<number> {
    const rows: Array<{ id: string; expires_at: Date }> = await this.dataSource.query(
      `SELECT DISTINCT ON (date_trunc('second', expires_at)) id, expires_at
         FROM mandates WHERE status = $1 AND expires_at > $2 AND expires_at <= $3
        ORDER BY date_trunc('second', expires_at), id LIMIT $4`,
      [MandateStatus.Active, now, new Date(now.getTime() + horizonMs), REARM_LIMIT],
    );
    await this.queue.addBulk(
      rows.map((row) => ({
        name: MandatesJob.Expire,
        data: { mandateId: row.id },
        opts: { jobId: expiryJobId(row.id), delay: Math.max(0, new Date(row.expires_at).getTime() - now.getTime()) },
      })),
    );
    return rows.length;
  }

  private async add(name: MandatesJob, data: object, opts: JobsOptions): Promise<void> {
    await this.settle(this.queue.add(name, data, opts), name);
  }

  /** Waits at most REDIS_WAIT_MS; a failure is logged (ids only), never thrown. */
  private async settle(operation: Promise<unknown>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
    });
    try {
      await Promise.race([operation, timeout]);
    } catch (error) {
      this.logger.warn(
        { job: what, error: (error as Error).message },
        'mandates queue unavailable; the sweep will catch up',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
