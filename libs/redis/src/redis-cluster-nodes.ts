/** One seed node of a Redis Cluster, and what every connection to the cluster logs in with. */
export interface RedisClusterSeeds {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * Reads REDIS_CLUSTER_NODES (`redis://[user:password@]host:port` URLs separated by commas; the
 * config schema checked them). The first URL's credentials and scheme apply to every node: one
 * cluster has one ACL and one TLS setting, and discovered nodes come without any.
 */
export function parseClusterNodes(value: string): RedisClusterSeeds {
  const urls = value
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node.length > 0)
    .map((node) => new URL(node));
  if (urls.length === 0) throw new Error('REDIS_CLUSTER_NODES names no node');
  const [first] = urls;
  return {
    nodes: urls.map((url) => ({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 6379) })),
    username: first.username ? decodeURIComponent(first.username) : undefined,
    password: first.password ? decodeURIComponent(first.password) : undefined,
    tls: first.protocol === 'rediss:',
  };
}
