import { WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

export type JobHandler = (job: Job) => Promise<unknown>;

/** A queue's processor: one handler per job name, so the worker can check none is missing. */
export abstract class JobProcessor<Name extends string = string> extends WorkerHost {
  protected abstract readonly handlers: Record<Name, JobHandler>;

  handles(name: string): boolean {
    return typeof (this.handlers as Record<string, JobHandler | undefined>)[name] === 'function';
  }

  async process(job: Job): Promise<unknown> {
    if (!this.handles(job.name)) throw new Error(`No handler for job "${job.name}" on queue ${job.queueName}`);
    return this.handlers[job.name as Name](job);
  }
}
