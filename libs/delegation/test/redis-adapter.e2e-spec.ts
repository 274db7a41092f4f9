import { randomBytes } from 'node:crypto';

import { RedisAdapter } from '@relais/delegation';
import { Redis } from 'ioredis';

/** Relais' oidc-provider storage against a real Redis, each operation in one round trip. */
describe('RedisAdapter', () => {
  const prefix = `relais-test-adapter-${randomBytes(4).toString('hex')}:oidc:`;
  let redis: Redis;
  let commands: string[];

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    redis.on('error', () => undefined);
  });

  beforeEach(async () => {
    commands = [];
    await redis.ping();
    // Counts what reaches the connection: commands of a MULTI are written together, EXEC last.
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, stream?: unknown) => {
      if (stream === undefined || command.name === 'exec') commands.push(command.name);
      return send(command as never, stream as never);
    }) as typeof redis.sendCommand;
  });

  afterEach(() => {
    delete (redis as unknown as { sendCommand?: unknown }).sendCommand;
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('given a grant, when tokens are saved with shorter then longer lives, then its list lives as long as the longest, in one round trip each', async () => {
    const tokens = new RedisAdapter(redis, 'AccessToken', prefix);
    const grantKey = `${prefix}grant:g1`;

    await tokens.upsert('t1', { grantId: 'g1' }, 600);
    expect(commands).toEqual(['exec']);
    const first = await redis.ttl(grantKey);
    await tokens.upsert('t2', { grantId: 'g1' }, 60);
    const afterShorter = await redis.ttl(grantKey);
    await tokens.upsert('t3', { grantId: 'g1' }, 1200);

    expect(first).toBeGreaterThan(590);
    expect(afterShorter).toBeGreaterThan(590); // never shortened
    expect(await redis.ttl(grantKey)).toBeGreaterThan(1190); // extended
    expect(await redis.lrange(grantKey, 0, -1)).toEqual([
      `${prefix}AccessToken:t1`,
      `${prefix}AccessToken:t2`,
      `${prefix}AccessToken:t3`,
    ]);

    await tokens.revokeByGrantId('g1');
    expect(await redis.exists(`${prefix}AccessToken:t1`, `${prefix}AccessToken:t3`, grantKey)).toBe(0);
  });

  it('given a model with a lifetime and no other key, when it is saved, then it is one SET with its lifetime, no MULTI', async () => {
    const interactions = new RedisAdapter(redis, 'Interaction', prefix);

    await interactions.upsert('i1', { uid: undefined, returnTo: '/oidc/auth/i1' }, 300);

    expect(commands.map((name) => name.toLowerCase())).toEqual(['set']);
    expect(await redis.ttl(`${prefix}Interaction:i1`)).toBeGreaterThan(290);
    expect(await interactions.find('i1')).toEqual({ returnTo: '/oidc/auth/i1' });
  });

  it('given a session, when it is saved, then it and its uid reference expire together, in one MULTI', async () => {
    const sessions = new RedisAdapter(redis, 'Session', prefix);

    await sessions.upsert('s2', { uid: 'u2', accountId: 'a2' }, 120);

    expect(commands).toEqual(['exec']);
    for (const key of [`${prefix}Session:s2`, `${prefix}uid:u2`]) expect(await redis.ttl(key)).toBeGreaterThan(110);
    expect(await sessions.findByUid('u2')).toEqual({ uid: 'u2', accountId: 'a2' });
  });

  it('given a session, when it is found by its uid, then it takes one round trip, and an unknown uid finds nothing', async () => {
    const sessions = new RedisAdapter(redis, 'Session', prefix);
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a1' }, 60);
    commands = [];

    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'a1' });
    expect(commands).toHaveLength(1);
    expect(await sessions.findByUid('unknown')).toBeUndefined();

    await sessions.destroy('s1');
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('given a code, when it is consumed, then it is found consumed', async () => {
    const codes = new RedisAdapter(redis, 'AuthorizationCode', prefix);
    await codes.upsert('c1', { grantId: 'g2', uid: 'cu1' }, 60);

    await codes.consume('c1');

    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    expect((await codes.findByUid('cu1'))?.consumed).toEqual(expect.any(Number));
  });
});
