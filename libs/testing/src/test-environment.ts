import { randomBytes } from 'node:crypto';

import { dropDatabase } from '@relais/database';
import { redisKeyPatterns } from '@relais/redis';
import { Redis } from 'ioredis';
import pg from 'pg';

import { createDataSource } from '../../../database/data-source.js';

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

const TEMPLATE_LOCK = 7262_0001;

function adminUrl(): string {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/relais');
  url.pathname = '/postgres';
  return url.toString();
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Builds the run's migrated template once, whichever suite (in whichever jest worker) asks first. */
async function ensureTemplate(admin: pg.Client, run: string): Promise<string> {
  const name = `relais_test_${run}_template`;
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rowCount) {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      const dataSource = await createDataSource(databaseUrl(name)).initialize();
      try {
        await dataSource.runMigrations();
      } finally {
        await dataSource.destroy();
      }
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/**
 * Gives a test suite its own database (cloned from the run's migrated template) and its own
 * Redis prefix, and sets process.env so the Nest modules under test use them.
 */
export async function createTestEnvironment(): Promise<TestEnvironment> {
  const run = process.env.RELAIS_TEST_RUN;
  if (!run) throw new Error('RELAIS_TEST_RUN is not set: run the tests through jest (npm test)');
  const name = `relais_test_${run}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const template = await ensureTemplate(admin, run);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redisPrefix = name.replaceAll('_', '-');
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(name),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: process.env.LOG_LEVEL || 'silent',
  };
  Object.assign(process.env, env);
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl,
    redisPrefix,
    env,
    async dispose() {
      await dropDatabase(env.DATABASE_URL);
      const redis = new Redis(redisUrl);
      try {
        for (const pattern of redisKeyPatterns(redisPrefix)) {
          const keys = await redis.keys(pattern);
          if (keys.length > 0) await redis.del(...keys);
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
