import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { createIoRedis, type IoRedisConnection } from '@relais/redis';
import type { Repository } from 'typeorm';

import { CLIENT_ID_PATTERN } from '../client-credentials.js';
import { PublicService } from '../entities/public-service.entity.js';

/** A safety net only: every change is announced at once (see PublicServiceDirectory). */
export const PUBLIC_SERVICE_CACHE_TTL_MS = 30_000;
/** Far more services than any deployment registers: past it, the cache starts again empty. */
const MAX_ENTRIES = 10_000;

/**
 * The public services as the delegated-login hot path reads them (the provider's client lookup
 * at every endpoint, the interaction pages), kept in memory across requests. A change
 * (`PublicServicesService`: disable, enable, areas, secret, …) drops the entry in this process at
 * once and is announced on the Redis channel `${REDIS_PREFIX}:public-services:changed`, on which
 * every process drops it too, before the change's caller hears back. Nothing is cached while
 * this process is not subscribed (Redis down, reconnecting): reads then go to PostgreSQL, and
 * the cache starts again empty once subscribed, since announcements may have been missed.
 */
@Injectable()
export class PublicServiceDirectory implements OnModuleDestroy {
  private readonly logger = new Logger(PublicServiceDirectory.name);
  private readonly cache = new Map<string, { service: PublicService; until: number }>();
  private readonly channel: string;
  /** Bumped by every change seen: a read that started before one is not kept. */
  private generation = 0;
  private subscriber?: IoRedisConnection;
  private publisher?: IoRedisConnection;
  private subscribed = false;

  constructor(
    @InjectRepository(PublicService) private readonly publicServices: Repository<PublicService>,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {
    this.channel = `${config.REDIS_PREFIX}:public-services:changed`;
  }

  /** The service, active or not (the caller decides what a disabled one may do), or null. */
  async find(clientId: string): Promise<PublicService | null> {
    if (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId)) return null;
    this.subscribe();
    const cached = this.cache.get(clientId);
    if (cached && this.subscribed && cached.until > Date.now()) return cached.service;
    const generation = this.generation;
    const service = await this.publicServices.findOneBy({ clientId });
    // Unknown ids are not kept (anyone can send any id); a read a change overtook is not kept either.
    if (service && this.subscribed && generation === this.generation) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(clientId, { service, until: Date.now() + PUBLIC_SERVICE_CACHE_TTL_MS });
    }
    return service;
  }

  /**
   * A service changed (committed): forgotten here at once, and in every other process when this
   * resolves. If Redis cannot be reached the others stop caching (they are not subscribed
   * either) or, at worst, forget it after PUBLIC_SERVICE_CACHE_TTL_MS.
   */
  async changed(clientId: string): Promise<void> {
    this.forget(clientId);
    try {
      if (!this.publisher) {
        this.publisher = createIoRedis(this.config, { maxRetriesPerRequest: 1 });
        this.publisher.on('error', () => undefined);
      }
      await this.publisher.publish(this.channel, clientId);
    } catch (error) {
      this.logger.warn(`public service change not announced: ${(error as Error).message}`);
    }
  }

  /** Whether reads are cached now (subscribed to the announcements). */
  get caching(): boolean {
    return this.subscribed;
  }

  async onModuleDestroy(): Promise<void> {
    this.subscribed = false;
    for (const redis of [this.subscriber, this.publisher]) {
      // A connection that is not up would wait for Redis to quit: drop it instead.
      if (redis?.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis?.disconnect();
    }
  }

  private forget(clientId: string): void {
    this.generation += 1;
    this.cache.delete(clientId);
  }

  /** Subscribes on first use only: the CLI and the worker, which never read through here, never subscribe. */
  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = createIoRedis(this.config, { maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    const lost = () => {
      this.subscribed = false;
      this.generation += 1;
      this.cache.clear();
    };
    subscriber.on('error', () => undefined); // reconnects by itself; meanwhile nothing is cached
    subscriber.on('close', lost);
    subscriber.on('message', (_channel: string, clientId: string) => this.forget(clientId));
    subscriber.on('ready', () => {
      // (Re)subscribed: what was announced meanwhile is unknown, so start again empty.
      subscriber.subscribe(this.channel).then(
        () => {
          lost();
          this.subscribed = true;
        },
        () => undefined,
      );
    });
  }
}
