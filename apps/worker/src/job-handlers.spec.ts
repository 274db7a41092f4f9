import { QUEUE_JOBS, QueueName } from '@relais/queue';

import { missingHandlers } from './job-handlers.js';
import type { JobProcessor } from './processors/job-processor.js';

/** A processor handling the given job names. */
const handling = (...names: readonly string[]) => ({ handles: (name: string) => names.includes(name) }) as JobProcessor;
const everyQueue = () =>
  new Map(Object.values(QueueName).map((queue) => [queue as string, handling(...QUEUE_JOBS[queue])]));

describe('missingHandlers', () => {
  it('finds nothing missing when every job of every queue has a handler', () => {
    expect(missingHandlers(everyQueue())).toEqual([]);
  });

  it('names a queue without a processor', () => {
    const processors = everyQueue();
    processors.delete(QueueName.Mandates);
    expect(missingHandlers(processors)).toEqual(['queue "mandates" has no processor']);
  });

  it('names a job name its queue processor does not handle', () => {
    const processors = everyQueue();
    processors.set(
      QueueName.Mandates,
      handling('expire-mandate', 'expiry-sweep', 'citizen-uses-digest', 'citizen-ending-notices'),
    );
    expect(missingHandlers(processors)).toEqual(['job "propagate-revocation" of queue "mandates" has no handler']);
  });
});
