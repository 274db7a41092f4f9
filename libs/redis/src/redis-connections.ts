import type { RelaisConfig } from '@relais/config';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { createClient, createCluster } from 'redis';

import { parseClusterNodes } from './redis-cluster-nodes.js';

/** Where Relais' Redis is: one server (REDIS_URL) or a cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = Pick<RelaisConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>;

/** An ioredis connection (BullMQ, the OpenID provider, cache announcements) to either kind. */
export type IoRedisConnection = Redis | Cluster;

/** A node-redis connection (console sessions through connect-redis, login counters) to either kind. */
export type NodeRedisConnection = ReturnType<typeof createClient> | ReturnType<typeof createCluster>;

/** Options ioredis takes for the cluster as a whole; the rest apply to each node's connection. */
const CLUSTER_WIDE = ['lazyConnect', 'enableAutoPipelining', 'enableOfflineQueue', 'enableReadyCheck'] as const;

/** An ioredis `Redis` for REDIS_URL, or a `Cluster` seeded from REDIS_CLUSTER_NODES. */
export function createIoRedis(target: RedisTarget, options: RedisOptions = {}): IoRedisConnection {
  if (!target.REDIS_CLUSTER_NODES) return new Redis(target.REDIS_URL, options);
  const seeds = parseClusterNodes(target.REDIS_CLUSTER_NODES);
  const clusterOptions: ClusterOptions = {};
  const perNode: RedisOptions = { ...options };
  for (const name of CLUSTER_WIDE) {
    if (options[name] !== undefined) Object.assign(clusterOptions, { [name]: options[name] });
    delete perNode[name];
  }
  return new Cluster(seeds.nodes, {
    ...clusterOptions,
    redisOptions: {
      ...perNode,
      username: seeds.username,
      password: seeds.password,
      ...(seeds.tls ? { tls: {} } : {}),
    },
  });
}

/** A node-redis client for REDIS_URL, or a cluster client seeded from REDIS_CLUSTER_NODES (not connected yet). */
export function createNodeRedis(target: RedisTarget): NodeRedisConnection {
  if (!target.REDIS_CLUSTER_NODES) return createClient({ url: target.REDIS_URL });
  const seeds = parseClusterNodes(target.REDIS_CLUSTER_NODES);
  const socket = (node?: { host: string; port: number }) =>
    seeds.tls ? { ...node, tls: true as const } : { ...node, tls: false as const };
  return createCluster({
    rootNodes: seeds.nodes.map((node) => ({ socket: socket(node) })),
    defaults: { username: seeds.username, password: seeds.password, socket: socket() },
  });
}
