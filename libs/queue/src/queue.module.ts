import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';

import { redisOptions } from './redis-options.js';
import { QueueName } from './queue-name.enum.js';

/** The BullMQ connection shared by the api (producers) and the worker (consumers). */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [RELAIS_CONFIG],
      useFactory: (config: RelaisConfig) => ({
        connection: redisOptions(config.REDIS_URL),
        prefix: `${config.REDIS_PREFIX}:bull`,
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
export class QueueModule {}
