import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { QueueName } from '@relais/queue';
import type { Queue } from 'bullmq';

/** Redis is ready when it answers PING through the queue connection within the timeout. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(QueueName.Audit) private readonly queue: Queue,
  ) {}

  async pingCheck(key: string, timeoutMs = 1500) {
    const indicator = this.indicators.check(key);
    try {
      // Waiting for the client counts too: while Redis is down the connection never gets ready.
      const roundTrip = async () => (await this.queue.getBackend().client).get('relais:health');
      await Promise.race([
        roundTrip(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
