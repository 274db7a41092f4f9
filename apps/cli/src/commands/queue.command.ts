import { getQueueToken } from '@nestjs/bullmq';
import { QueueName } from '@relais/queue';
import type { Queue } from 'bullmq';

import type { CommandRegistration } from '../cli-context.js';

/** The queue of that name, or an error listing the names there are. */
function queueName(name: string): QueueName {
  const names = Object.values(QueueName) as string[];
  if (!names.includes(name)) throw new Error(`Unknown queue "${name}"; queues: ${names.join(', ')}`);
  return name as QueueName;
}

export const queueCommands: CommandRegistration = (program, context) => {
  const queue = async (name: string) =>
    (await context.get()).get<Queue>(getQueueToken(queueName(name)), { strict: false });

  program
    .command('queue:failed')
    .argument('<queue>', `one of ${Object.values(QueueName).join(', ')}`)
    .description('List the failed jobs of a queue: id, name, attempts, last error')
    .action(async (name: string) => {
      const failed = await (await queue(name)).getFailed();
      for (const job of failed)
        console.log(`${job.id}\t${job.name}\t${job.attemptsMade} attempt(s)\t${job.failedReason}`);
      console.log(`${failed.length} failed job(s).`);
    });

  program
    .command('queue:retry')
    .argument('<queue>', `one of ${Object.values(QueueName).join(', ')}`)
    .argument('[jobId]', 'one job; every failed job of the queue when absent')
    .description('Retry failed jobs (every job is idempotent, so a retry is safe)')
    .action(async (name: string, jobId?: string) => {
      const target = await queue(name);
      if (!jobId) {
        const count = (await target.getJobCounts('failed')).failed ?? 0;
        await target.retryJobs({ state: 'failed' });
        console.log(`Retrying ${count} failed job(s).`);
        return;
      }
      const job = await target.getJob(jobId);
      if (!job || !(await job.isFailed())) throw new Error(`No failed job "${jobId}" in queue ${name}`);
      await job.retry();
      console.log(`Retrying ${jobId}.`);
    });
};
