import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { createNodeRedis, type NodeRedisConnection } from '@relais/redis';

/** The Redis connection holding console sessions and login rate limits (stateless api processes). */
@Injectable()
export class SessionRedis implements OnModuleInit, OnModuleDestroy {
  readonly client: NodeRedisConnection;
  readonly prefix: string;
  private readonly ready: Promise<unknown>;

  constructor(@Inject(RELAIS_CONFIG) config: RelaisConfig) {
    this.prefix = `${config.REDIS_PREFIX}:`;
    this.client = createNodeRedis(config);
    this.client.on('error', () => undefined); // reconnects by itself; readiness reports Redis down
    this.ready = this.client.connect().catch(() => undefined);
  }

  /** Start serving with Redis connected when it is up; a Redis down does not block the start. */
  async onModuleInit(): Promise<void> {
    await Promise.race([this.ready, sleep(2000)]);
  }

  async connected() {
    await this.ready;
    return this.client;
  }

  async onModuleDestroy(): Promise<void> {
    // While Redis is unreachable the connection keeps retrying and `ready` never settles: stop it.
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }
}
