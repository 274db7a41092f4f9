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
      const client = await this.queue.getBackend().client;
      await Promise.race([
        client.get('relais:health'), // any round trip proves Redis answers
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
