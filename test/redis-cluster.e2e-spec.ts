import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { getQueueToken, getSharedConfigToken } from '@nestjs/bullmq';
import { Module, type ExecutionContext, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { LoginRateLimitGuard, LOGIN_ATTEMPTS_PER_WINDOW, SessionRedis } from '@relais/auth';
import { loadConfig, projectRoot, RelaisConfigModule, type RelaisConfig } from '@relais/config';
import { CLIENT_AUTH_FAILURES_PER_CLIENT, clientAuthLimit, RedisAdapter } from '@relais/delegation';
import { PublicServiceDirectory } from '@relais/public-services';
import { QueueModule, QueueName } from '@relais/queue';
import { bullPrefix, createIoRedis, oidcKeyPrefix, type IoRedisConnection } from '@relais/redis';
import {
  createTestEnvironment,
  runCli,
  startRedisCluster,
  stopProcess,
  type TestEnvironment,
  until,
  type OwnRedisCluster,
} from '@relais/testing';
import { Job, type Queue, type QueueOptions, Worker } from 'bullmq';
import { RedisStore } from 'connect-redis';
import { Cluster } from 'ioredis';
import type { KoaContextWithOIDC } from 'oidc-provider';
import pg from 'pg';
import request from 'supertest';

import { ApiModule } from '../apps/api/src/api.module.js';
import { registerService } from '../apps/api/test/delegation-helpers.js';
import { configureApi } from '../apps/api/src/create-api.js';

const CLUSTER_TIMEOUT_MS = 60_000;
const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');

@Module({ imports: [RelaisConfigModule, QueueModule] })
class QueuesOnly {}

/**
 * A job's return value once it finished. Polled rather than awaited through QueueEvents: an
 * event stream read that starts after the job completed (`$`) misses its event.
 */
async function finished<T>(queue: Queue, id: string): Promise<T> {
  const job = await until(
    async () => {
      const found = await Job.fromId(queue, id);
      return found?.finishedOn ? found : undefined;
    },
    20_000,
    `job ${id} to finish`,
  );
  return job.returnvalue as T;
}

/** What Relais keeps in Redis, against a real Redis Cluster of three masters (no replicas). */
describe('Relais on a Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let config: RelaisConfig;
  let redis: IoRedisConnection;
  const saved = { ...process.env };

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    const env = {
      NODE_ENV: 'test',
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_PREFIX: `relais-cluster-${randomBytes(3).toString('hex')}`,
      LOG_LEVEL: 'silent',
    };
    Object.assign(process.env, env);
    config = loadConfig(process.env);
    redis = createIoRedis(config, { maxRetriesPerRequest: 3 });
  }, CLUSTER_TIMEOUT_MS);

  afterAll(async () => {
    process.env = saved;
    await redis?.quit().catch(() => undefined);
    await cluster?.stop();
  });

  describe('BullMQ through QueueModule', () => {
    let app: INestApplicationContext;
    let queue: Queue;
    let worker: Worker;

    beforeAll(async () => {
      app = await NestFactory.createApplicationContext(QueuesOnly, { logger: false });
      queue = app.get<Queue>(getQueueToken(QueueName.Mandates));
      const { connection, prefix } = app.get<QueueOptions>(getSharedConfigToken());
      worker = new Worker(
        QueueName.Mandates,
        async (job: Job<{ mandateId: string }>) => ({ expired: job.data.mandateId, at: Date.now() }),
        { connection, prefix },
      );
      await worker.waitUntilReady();
    }, CLUSTER_TIMEOUT_MS);

    afterAll(async () => {
      await worker?.close();
      await queue?.obliterate({ force: true }).catch(() => undefined);
    });

    it('given the cluster settings, when QueueModule connects, then it uses one ioredis Cluster and the hash-tagged prefix', () => {
      // Given / When
      const { connection, prefix } = app.get<QueueOptions>(getSharedConfigToken());

      // Then
      expect(connection).toBeInstanceOf(Cluster);
      expect(prefix).toBe(`{${config.REDIS_PREFIX}:bull}`);
    });

    it('given a worker, when a job is added, then it runs and its result comes back', async () => {
      // Given / When
      const job = await queue.add('propagate-revocation', { mandateId: 'm-1' });
      const result = await finished<{ expired: string }>(queue, job.id!);

      // Then
      expect(result.expired).toBe('m-1');
    });

    it('given a delayed job with its own id, when its time comes, then it runs once, not before', async () => {
      // Given
      const added = Date.now();
      const job = await queue.add('expire-mandate', { mandateId: 'm-2' }, { jobId: 'expire-m-2', delay: 700 });
      const again = await queue.add('expire-mandate', { mandateId: 'm-2' }, { jobId: 'expire-m-2', delay: 700 });

      // When
      const result = await finished<{ at: number }>(queue, job.id!);

      // Then
      expect(again.id).toBe(job.id);
      expect(result.at - added).toBeGreaterThanOrEqual(700);
      expect(await queue.getJobState('expire-m-2')).toBe('completed');
    });

    it('given a job scheduler, when it is upserted twice, then it exists once and its jobs run', async () => {
      // Given / When
      await queue.upsertJobScheduler(
        'cluster-sweep',
        { every: 300 },
        { name: 'expiry-sweep', data: { mandateId: 'sweep' } },
      );
      await queue.upsertJobScheduler(
        'cluster-sweep',
        { every: 300 },
        { name: 'expiry-sweep', data: { mandateId: 'sweep' } },
      );
      const runs: string[] = [];
      const counted = new Promise<void>((resolve) =>
        worker.on('completed', (job) => {
          if (job.name === 'expiry-sweep' && runs.push(job.id!) >= 2) resolve();
        }),
      );
      await counted;

      // Then
      expect(await queue.getJobSchedulersCount()).toBe(1);
      expect(new Set(runs).size).toBe(2);
      await queue.removeJobScheduler('cluster-sweep');
    });

    it('given the app, when it closes, then the shared cluster connection is closed too', async () => {
      // Given
      const { connection } = app.get<QueueOptions>(getSharedConfigToken());
      await worker.close();
      await queue.obliterate({ force: true });

      // When
      await app.close();

      // Then
      await until(async () => (connection as Cluster).status === 'end', 5000, 'the cluster connection to end');
      expect((connection as Cluster).status).toBe('end');
    });
  });

  describe('console sessions and the login rate limit (node-redis cluster client)', () => {
    let sessions: SessionRedis;

    beforeAll(async () => {
      sessions = new SessionRedis(config);
      await sessions.onModuleInit();
    });

    afterAll(async () => {
      await sessions.onModuleDestroy();
    });

    it('given a session, when it is saved, read, touched and destroyed, then the store follows each step', async () => {
      // Given
      const store = new RedisStore({ client: sessions.client, prefix: `${sessions.prefix}session:`, ttl: 60 });
      const session = { cookie: { originalMaxAge: 60_000 }, aideId: 'a-1' } as never;

      // When / Then
      expect(sessions.client.isReady).toBe(true);
      await store.set('sid-1', session);
      expect(await store.get('sid-1')).toMatchObject({ aideId: 'a-1' });
      await store.touch('sid-1', session);
      await store.destroy('sid-1');
      expect(await store.get('sid-1')).toBeNull();
    });

    it('given one IP, when it tries to log in past the limit, then the next attempt is refused', async () => {
      // Given
      const guard = new LoginRateLimitGuard(sessions);
      const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
      const context = { switchToHttp: () => ({ getRequest: () => ({ ip }) }) } as unknown as ExecutionContext;
      for (let attempt = 0; attempt < LOGIN_ATTEMPTS_PER_WINDOW; attempt += 1) {
        expect(await guard.canActivate(context)).toBe(true);
      }

      // When / Then
      await expect(guard.canActivate(context)).rejects.toMatchObject({ code: 'too_many_requests' });
    });
  });

  describe("the OpenID provider's storage (ioredis Cluster)", () => {
    it('given tokens of a grant, when saved, found, consumed and the grant revoked, then every step works across the cluster', async () => {
      // Given
      const prefix = oidcKeyPrefix(config.REDIS_PREFIX);
      const codes = new RedisAdapter(redis, 'AuthorizationCode', prefix);
      const tokens = new RedisAdapter(redis, 'AccessToken', prefix);
      const sessionsAdapter = new RedisAdapter(redis, 'Session', prefix);

      // When
      await codes.upsert('code-1', { grantId: 'grant-1', uid: 'uid-code' } as never, 60);
      await tokens.upsert('token-1', { grantId: 'grant-1' } as never, 120);
      await sessionsAdapter.upsert('session-1', { uid: 'uid-1', accountId: 'x' } as never, 60);
      await codes.consume('code-1');

      // Then
      expect(await codes.find('code-1')).toMatchObject({ grantId: 'grant-1', consumed: expect.any(Number) });
      expect(await sessionsAdapter.findByUid('uid-1')).toMatchObject({ accountId: 'x' });
      await tokens.revokeByGrantId('grant-1');
      expect(await tokens.find('token-1')).toBeUndefined();
      expect(await codes.find('code-1')).toBeUndefined();
    });

    it('given keys without the hash tag, when an upsert writes an entry and its grant together, then the cluster refuses it (CROSSSLOT)', async () => {
      // Given
      const untagged = new RedisAdapter(redis, 'AccessToken', `${config.REDIS_PREFIX}:oidc:`);

      // When / Then
      await expect(untagged.upsert('token-2', { grantId: 'grant-2', uid: 'uid-2' } as never, 60)).rejects.toThrow(
        /CROSSSLOT|same slot/,
      );
    });

    it('given one client_id, when its secret is wrong past the limit, then the token endpoint answers 429', async () => {
      // Given
      const failures: string[] = [];
      const limit = clientAuthLimit({
        redis,
        prefix: oidcKeyPrefix(config.REDIS_PREFIX),
        onFailure: async (clientId) => void failures.push(clientId),
      });
      const request = () => {
        const ctx = {
          method: 'POST',
          path: '/token',
          ip: '203.0.113.7',
          status: 200,
          body: undefined as unknown,
          headers: {} as Record<string, string>,
          get: (name: string) =>
            name === 'authorization' ? `Basic ${Buffer.from('service-a:wrong').toString('base64')}` : '',
          set(name: string, value: string) {
            this.headers[name] = value;
          },
        };
        return ctx;
      };
      const wrongSecret = async () => {
        const ctx = request();
        await limit(ctx as unknown as KoaContextWithOIDC, async () => {
          ctx.status = 401;
          ctx.body = { error: 'invalid_client' };
        });
        return ctx;
      };
      for (let attempt = 0; attempt < CLIENT_AUTH_FAILURES_PER_CLIENT; attempt += 1) await wrongSecret();

      // When
      const refused = await wrongSecret();

      // Then
      expect(failures).toHaveLength(CLIENT_AUTH_FAILURES_PER_CLIENT);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('the api and the worker themselves, with REDIS_CLUSTER_NODES', () => {
    let env: TestEnvironment;
    let api: NestExpressApplication;
    let worker: ChildProcess;
    let db: pg.Client;

    beforeAll(async () => {
      env = await createTestEnvironment();
      db = new pg.Client({ connectionString: env.databaseUrl });
      await db.connect();
      const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
      api = configureApi(moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true }));
      await api.init();
      worker = spawn(process.execPath, [WORKER], {
        env: { ...process.env, ...env.env, REDIS_CLUSTER_NODES: cluster.nodes, AUDIT_SEAL_INTERVAL_MS: '200' },
        stdio: 'ignore',
      });
    }, CLUSTER_TIMEOUT_MS);

    afterAll(async () => {
      if (worker) await stopProcess(worker, 'SIGTERM');
      await api?.close();
      await db?.end();
      await env?.dispose();
    });

    it('given the api on the cluster, when readiness is asked, then PostgreSQL and Redis are both up', async () => {
      // Given / When
      const response = await request(api.getHttpServer()).get('/health/ready');

      // Then
      expect(response.status).toBe(200);
      expect(response.body.details.redis).toEqual({ status: 'up' });
    });

    it('given the login page, when it is opened, then its console session is stored in the cluster', async () => {
      // Given / When
      const response = await request(api.getHttpServer()).get('/connexion').expect(200);
      const cookie = decodeURIComponent(/relais\.sid=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1] ?? '');
      const sid = /^s:([^.]+)\./.exec(cookie)?.[1] ?? '';

      // Then
      expect(sid).not.toBe('');
      expect(await redis.exists(`${env.redisPrefix}:session:${sid}`)).toBe(1);
    });

    it(
      'given a service the api has cached, when the CLI changes it, then the announcement over the cluster drops it from the cache',
      async () => {
        // Given
        const directory = api.get(PublicServiceDirectory);
        const { clientId } = await registerService(
          api,
          'Caisse en grappe',
          ['papers'],
          'http://localhost:3200/callback',
        );
        await until(
          async () => {
            await directory.find(clientId);
            return directory.caching;
          },
          20_000,
          'the api to subscribe to the announcements',
        );
        expect((await directory.find(clientId))?.name).toBe('Caisse en grappe');
        await db.query("UPDATE public_services SET name = 'Écrit sans annonce' WHERE client_id = $1", [clientId]);
        expect((await directory.find(clientId))?.name).toBe('Caisse en grappe');

        // When
        const result = await runCli(env, ['public-service:disable', clientId]);

        // Then
        expect(result.code).toBe(0);
        expect((await directory.find(clientId))?.name).toBe('Écrit sans annonce');
      },
      CLUSTER_TIMEOUT_MS,
    );

    it(
      'given the worker on the cluster, when audit events wait in the outbox, then its scheduled sealing takes them into the journal',
      async () => {
        // Given
        await db.query(
          `INSERT INTO audit_outbox (occurred_at, actor_type, action)
         SELECT now(), 'system', 'platform.demo_seeded' FROM generate_series(1, 3)`,
        );

        // When
        const sealed = await until(
          async () => {
            const { rows } = await db.query('SELECT count(*)::int AS entries FROM audit_journal WHERE action = $1', [
              'platform.demo_seeded',
            ]);
            return rows[0].entries >= 3 ? rows[0].entries : false;
          },
          45_000,
          'the worker to seal the events',
        );

        // Then
        expect(sealed).toBe(3);
        expect((await db.query('SELECT count(*)::int AS pending FROM audit_outbox')).rows[0].pending).toBe(0);
      },
      CLUSTER_TIMEOUT_MS,
    );
  });

  it('given the prefixes, when their slots are asked, then every BullMQ key and every provider key each fall in one slot', async () => {
    // Given
    const bull = bullPrefix(config.REDIS_PREFIX);
    const oidc = oidcKeyPrefix(config.REDIS_PREFIX);
    const slot = (key: string) => redis.cluster('KEYSLOT', key) as Promise<number>;

    // When
    const bullSlots = new Set(await Promise.all([`${bull}:mandates:wait`, `${bull}:reports:delayed`].map(slot)));
    const oidcSlots = new Set(await Promise.all([`${oidc}AccessToken:x`, `${oidc}grant:y`, `${oidc}uid:z`].map(slot)));

    // Then
    expect(bullSlots.size).toBe(1);
    expect(oidcSlots.size).toBe(1);
  });
});
