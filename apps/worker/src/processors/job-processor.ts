import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';

export type JobHandler = (job: Job) => Promise<unknown>;

/** A queue's processor: one handler per job name, so the worker can check none is missing. */
export abstract class JobProcessor<Name extends string = string> extends WorkerHost {
  protected abstract readonly handlers: Record<Name, JobHandler>;
  private readonly jobLogger = new Logger(JobProcessor.name);

  handles(name: string): boolean {
    return typeof (this.handlers as Record<string, JobHandler | undefined>)[name] === 'function';
  }

  async process(job: Job): Promise<unknown> {
    if (!this.handles(job.name)) throw new Error(`No handler for job "${job.name}" on queue ${job.queueName}`);
    return this.handlers[job.name as Name](job);
  }

  /**
   * Every failed attempt is logged (identifiers and the error's message only): PostgreSQL
   * restarted, a bug, a timeout. BullMQ retries it with backoff; the last attempt's job stays in
   * the failed set, for the board or `queue:retry`.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    const facts = {
      queue: job?.queueName,
      job: job?.name,
      jobId: job?.id,
      attempt: job?.attemptsMade,
      error: error.message,
    };
    if (job && job.attemptsMade < (job.opts.attempts ?? 1)) {
      this.jobLogger.warn(facts, 'job attempt failed; retried with backoff');
    } else if (job?.repeatJobKey) {
      this.jobLogger.warn(facts, 'scheduled job failed; its next run tries again');
    } else {
      this.jobLogger.error(facts, 'job failed; it stays in the failed set (retry: /operateur/files or queue:retry)');
    }
  }
}
