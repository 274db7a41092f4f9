import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditSealer } from '@relais/audit';
import { AuditCheckpointer } from '@relais/audit-checkpoints';
import { MandateExpiry } from '@relais/mandates';
import { QueueName } from '@relais/queue';
import type { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Seconds from `since` to now; 0 when there is nothing late. */
const ageSeconds = (since: Date | string | null | undefined) =>
  since ? Math.max(0, (Date.now() - new Date(since).getTime()) / 1000) : 0;

/**
 * The worker's Prometheus metrics, read at each scrape: jobs per queue and state, how late the
 * oldest expiry is, the sealing lag, the age of the last signed audit checkpoint.
 */
@Injectable()
export class WorkerMetrics {
  readonly registry = new Registry();

  constructor(moduleRef: ModuleRef, expiry: MandateExpiry, sealer: AuditSealer, checkpointer: AuditCheckpointer) {
    const queues = Object.values(QueueName).map((name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    new Gauge({
      name: 'relais_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed).',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const queue of queues) {
          const counts = await queue.getJobCounts(...JOB_STATES);
          for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: 'relais_expiry_overdue_seconds',
      help: 'How long ago the oldest mandate still marked active reached its end (0: none overdue).',
      registers: [this.registry],
      async collect() {
        this.set(ageSeconds(await expiry.oldestOverdue()));
      },
    });
    new Gauge({
      name: 'relais_audit_sealing_lag_seconds',
      help: 'Age of the oldest audit event waiting in the outbox to be sealed (0: none waiting).',
      registers: [this.registry],
      async collect() {
        this.set(await sealer.sealingLagSeconds());
      },
    });
    new Gauge({
      name: 'relais_audit_last_checkpoint_age_seconds',
      help: 'Age of the last signed audit checkpoint (absent until the first one).',
      registers: [this.registry],
      async collect() {
        const age = await checkpointer.lastCheckpointAgeSeconds();
        if (age !== null) this.set(age);
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
