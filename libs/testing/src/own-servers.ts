import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';
import pg from 'pg';

import { createDataSource } from '../../../database/data-source.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Polls `probe` every 20 ms until it returns something truthy, or fails after `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends `signal` to a child process and waits for it to exit (at once if it already did). */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** A redis-server of the test's own on `port`, without persistence: flushed, or stopped and restarted empty. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await until(
    async () => {
      const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined); // refused until the server listens: the loop retries
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    },
    10_000,
    'redis-server to start',
  );
  return redis;
}

export interface OwnPostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** `pg_ctl stop -m fast`: every session is ended, as in a restart or a failover. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (waits until it accepts connections). */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/** Where Debian's PostgreSQL binaries are; PG_BIN overrides. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, a free port, trust
 * authentication, fsync off), to stop and start under a running process without touching the
 * shared one. initdb refuses to run as root: as root, the cluster belongs to the `postgres` OS user.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'relais-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout), Number(gid));
    await chmod(dir, 0o700);
  }
  const pgTool = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]) : run(join(PG_BIN, tool), args);
  await pgTool('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const start = async () => {
    await pgTool('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
  };
  const stop = async () => {
    await pgTool('pg_ctl', ['-D', data, '-w', '-t', '60', '-m', 'fast', 'stop']);
  };
  await start();
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop,
    async dispose() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates `database` on an own PostgreSQL and applies every migration. */
export async function createMigratedDatabase(server: OwnPostgres, database: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  const dataSource = await createDataSource(server.url(database)).initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
  return server.url(database);
}

export interface OwnRedisCluster {
  /** The masters' ports on 127.0.0.1. */
  ports: number[];
  /** REDIS_CLUSTER_NODES for them: `redis://127.0.0.1:<port>,…`. */
  nodes: string;
  /** Stops every node of this cluster (only them) and removes their directory. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of the test's own: `masters` redis-server processes with cluster mode on, free
 * ports (the bus ports too: port + 10000 may not exist), no persistence, joined by
 * `redis-cli --cluster create` with no replicas. Resolves once every node says `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'relais-redis-cluster-'));
  const ports: number[] = [];
  const servers: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => stopProcess(server, 'SIGTERM')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < masters; index += 1) {
      const [port, busPort] = [await freePort(), await freePort()];
      ports.push(port);
      servers.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
            ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
            ...['--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000'],
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    const clusterState = async (port: number) => {
      const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined); // refused until the server listens: the loop retries
      try {
        await client.connect();
        return /cluster_state:(\w+)/.exec(await client.cluster('INFO'))?.[1];
      } catch {
        return undefined;
      } finally {
        client.disconnect();
      }
    };
    for (const port of ports) await until(() => clusterState(port), 10_000, `redis-server ${port} to start`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(async () => (await clusterState(port)) === 'ok', 20_000, `cluster node ${port} to be ok`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, nodes: ports.map((port) => `redis://127.0.0.1:${port}`).join(','), stop };
}
