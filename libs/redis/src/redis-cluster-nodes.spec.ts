import { parseClusterNodes } from './redis-cluster-nodes.js';

describe('parseClusterNodes', () => {
  it('given several URLs, when parsed, then every host and port is a seed and the first gives the credentials', () => {
    // Given / When
    const seeds = parseClusterNodes(
      'rediss://relais:p%40ss@redis-0.redis:6380, redis://redis-1.redis,redis://[::1]:7000',
    );

    // Then
    expect(seeds).toEqual({
      nodes: [
        { host: 'redis-0.redis', port: 6380 },
        { host: 'redis-1.redis', port: 6379 },
        { host: '::1', port: 7000 },
      ],
      username: 'relais',
      password: 'p@ss',
      tls: true,
    });
  });

  it('given only commas, when parsed, then it says no node is named', () => {
    // Given / When / Then
    expect(() => parseClusterNodes(' , ')).toThrow('REDIS_CLUSTER_NODES names no node');
  });
});
