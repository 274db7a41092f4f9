import { BullModule, getSharedConfigToken } from '@nestjs/bullmq';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { bullPrefix, createIoRedis } from '@relais/redis';
import type { QueueOptions } from 'bullmq';
import { Cluster } from 'ioredis';

import { redisOptions } from './redis-options.js';
import { QueueName } from './queue-name.enum.js';

/** The BullMQ connection shared by the api (producers) and the worker (consumers). */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [RELAIS_CONFIG],
      useFactory: (config: RelaisConfig) => ({
        // A cluster is one shared ioredis Cluster (BullMQ duplicates it for blocking reads).
        connection: config.REDIS_CLUSTER_NODES
          ? createIoRedis(config, { maxRetriesPerRequest: null })
          : redisOptions(config.REDIS_URL),
        prefix: bullPrefix(config.REDIS_PREFIX),
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      }),
      // Queue workers start only once the worker checked that every job name has a handler.
      extraOptions: { manualRegistration: true },
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(getSharedConfigToken()) private readonly bull: QueueOptions) {}

  /** After the queues and workers closed (they do not close a connection they were given). */
  async onApplicationShutdown(): Promise<void> {
    const connection = this.bull.connection;
    if (connection instanceof Cluster) await connection.quit().catch(() => connection.disconnect());
  }
}
