/**
 * What a Redis Cluster costs Relais against one Redis: BullMQ jobs through a worker, and the
 * OpenID provider adapter's write-then-read of a token, each on an own redis-server and on an own
 * three-master cluster (started here, stopped at the end), interleaved A/B/A/B in the same
 * minutes. Prints per round: operations/s and this process's CPU per operation, with the load
 * average. Usage: npm run bench:redis-cluster [jobs] [tokens]
 */
import { loadConfig } from '@relais/config';
import { RedisAdapter } from '@relais/delegation';
import { bullPrefix, createIoRedis, type IoRedisConnection, oidcKeyPrefix } from '@relais/redis';
import { freePort, startRedisCluster, startRedisServer, stopProcess } from '@relais/testing';
import { Queue, Worker } from 'bullmq';
import { readFileSync } from 'node:fs';

const JOBS = Number(process.argv[2] ?? 2000);
const TOKENS = Number(process.argv[3] ?? 5000);
const ROUNDS = 2;

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Runs `work`, returning operations per second and this process's CPU milliseconds per operation. */
async function measure(operations: number, work: () => Promise<void>) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perSecond: (operations / elapsed) * 1000, cpuMs: (used.user + used.system) / 1000 / operations };
}

async function jobs(target: { REDIS_URL: string; REDIS_CLUSTER_NODES?: string }, round: string) {
  const connection = createIoRedis(target, { maxRetriesPerRequest: null });
  const prefix = bullPrefix(`relais-bench-cluster-${round}`);
  const queue = new Queue('bench', { connection, prefix });
  let done = 0;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker('bench', async () => (++done === JOBS ? finish() : undefined), {
    connection,
    prefix,
    concurrency: 50,
  });
  await worker.waitUntilReady();
  const result = await measure(JOBS, async () => {
    await queue.addBulk(Array.from({ length: JOBS }, (_, index) => ({ name: 'job', data: { index } })));
    await all;
  });
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return result;
}

async function tokens(redis: IoRedisConnection, round: string) {
  const adapter = new RedisAdapter(redis, 'AccessToken', oidcKeyPrefix(`relais-bench-cluster-${round}`));
  return measure(TOKENS, async () => {
    for (let batch = 0; batch < TOKENS; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, index) => {
          const id = `t-${batch + index}`;
          await adapter.upsert(id, { grantId: `g-${(batch + index) % 100}`, accountId: 'a' } as never, 60);
          await adapter.find(id);
        }),
      );
    }
  });
}

const single = await freePort();
const singleServer = await startRedisServer(single);
const cluster = await startRedisCluster(3);
const targets = {
  'one Redis': loadConfig({ REDIS_URL: `redis://127.0.0.1:${single}` }),
  'Cluster (3 masters)': loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes }),
};
try {
  console.log(`${JOBS} BullMQ jobs (worker concurrency 50); ${TOKENS} token upserts + finds (50 at once)`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const [name, target] of Object.entries(targets)) {
      const job = await jobs(target, `${round}`);
      const redis = createIoRedis(target, { enableAutoPipelining: true });
      const token = await tokens(redis, `${round}`);
      await redis.quit();
      console.log(
        `round ${round}, ${name.padEnd(19)}: jobs ${job.perSecond.toFixed(0)}/s (${job.cpuMs.toFixed(2)} ms CPU each), ` +
          `tokens ${token.perSecond.toFixed(0)}/s (${token.cpuMs.toFixed(3)} ms CPU each); load ${load()}`,
      );
    }
  }
} finally {
  await cluster.stop();
  await stopProcess(singleServer, 'SIGTERM');
}
