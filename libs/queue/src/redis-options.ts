import type { RedisOptions } from 'bullmq';

/** BullMQ connection options from a redis:// URL; workers need maxRetriesPerRequest null. */
export function redisOptions(url: string): RedisOptions {
  return { url, maxRetriesPerRequest: null };
}
