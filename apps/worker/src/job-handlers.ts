import { BullRegistrar } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { QUEUE_JOBS, QueueName } from '@relais/queue';

import { JobProcessor } from './processors/job-processor.js';

/** Set by @Processor (@nestjs/bullmq): the queue's name. */
const PROCESSOR_METADATA = 'bullmq:processor_metadata';

/** Lists what no processor handles: each queue needs one, and a handler for each of its job names. */
export function missingHandlers(processors: ReadonlyMap<string, JobProcessor>): string[] {
  return Object.values(QueueName).flatMap((queue) => {
    const processor = processors.get(queue);
    if (!processor) return [`queue "${queue}" has no processor`];
    return QUEUE_JOBS[queue]
      .filter((name) => !processor.handles(name))
      .map((name) => `job "${name}" of queue "${queue}" has no handler`);
  });
}

/**
 * Starts the BullMQ workers (QueueModule registers them manually) once every job name of every
 * queue has a handler; otherwise the worker refuses to start, before taking any job.
 */
@Injectable()
export class JobHandlers implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registrar: BullRegistrar,
  ) {}

  onModuleInit(): void {
    const processors = new Map<string, JobProcessor>();
    for (const wrapper of this.discovery.getProviders()) {
      const options = wrapper.metatype && Reflect.getMetadata(PROCESSOR_METADATA, wrapper.metatype);
      if (options && wrapper.instance instanceof JobProcessor) {
        processors.set(typeof options === 'string' ? options : options.name, wrapper.instance);
      }
    }
    const missing = missingHandlers(processors);
    if (missing.length > 0) throw new Error(`The worker cannot start: ${missing.join('; ')}`);
    this.registrar.register();
  }
}
