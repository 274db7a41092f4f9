import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { dropDatabase } from '@relais/database';
import { Redis } from 'ioredis';

export interface TestEnvironment {
  /** A fresh, migrated database of its own. */
  databaseUrl: string;
  redisUrl: string;
  /** A Redis key prefix of its own; every key under it is deleted at the end. */
  redisPrefix: string;
  /** Environment variables for an app or a child process using this environment. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * Gives a test suite its own database (cloned from the run's migrated template) and its own
 * Redis prefix, and sets process.env so Nest modules under test use them.
 */
export async function createTestEnvironment(): Promise<TestEnvironment> {
  const template = process.env.RELAIS_TEST_TEMPLATE_URL;
  if (!template) throw new Error('RELAIS_TEST_TEMPLATE_URL is not set: run the tests through jest');
  const suffix = randomBytes(5).toString('hex');
  const url = new URL(template);
  const templateName = url.pathname.slice(1);
  url.pathname = `/relais_test_${suffix}`;
  const admin = new URL(template);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "relais_test_${suffix}" TEMPLATE "${templateName}"`);
  } finally {
    await client.end();
  }
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redisPrefix = `relais-test-${suffix}`;
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: process.env.LOG_LEVEL || 'silent',
  };
  Object.assign(process.env, env);
  return {
    databaseUrl: url.toString(),
    redisUrl,
    redisPrefix,
    env,
    async dispose() {
      await dropDatabase(url.toString());
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${redisPrefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}
