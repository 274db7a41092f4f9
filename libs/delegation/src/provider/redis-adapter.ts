import type { IoRedisConnection } from '@relais/redis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models bound to a grant: revoking the grant deletes them. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);
/** Models consumed once (a consumed code presented again revokes its grant). */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * An entry found through its uid (sessions, at the token and userinfo endpoints) in one round
 * trip instead of two: KEYS[1] holds the entry's id, ARGV[1] is the entries' key prefix.
 */
const FIND_BY_REFERENCE = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('GET', ARGV[1] .. id)`;

type ScriptedRedis = IoRedisConnection & { relaisFindByReference(key: string, prefix: string): Promise<string | null> };

/** Defines the script on the connection once (ioredis then sends EVALSHA, EVAL after a script flush). */
function scripted(redis: IoRedisConnection): ScriptedRedis {
  const withScript = redis as ScriptedRedis;
  if (typeof withScript.relaisFindByReference !== 'function') {
    redis.defineCommand('relaisFindByReference', { numberOfKeys: 1, lua: FIND_BY_REFERENCE });
  }
  return withScript;
}

/**
 * oidc-provider storage in Redis, never in process memory: a flow started on one api process
 * finishes on any other. Entries expire with their own TTL; a grant keeps the list of its tokens.
 * Each operation is one round trip (one command, a MULTI, or a script), whatever it writes.
 */
export class RedisAdapter implements Adapter {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: IoRedisConnection,
    private readonly name: string,
    private readonly prefix: string,
  ) {
    this.redis = scripted(redis);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const key = this.key(id);
    const lifetime = expiresIn ? ['EX', expiresIn] : [];
    const writes: (string | number)[][] = [];
    if (CONSUMABLE.has(this.name)) {
      writes.push(['hset', key, 'payload', JSON.stringify(payload)]);
      if (expiresIn) writes.push(['expire', key, expiresIn]);
    } else writes.push(['set', key, JSON.stringify(payload), ...lifetime]);
    if (GRANTABLE.has(this.name) && payload.grantId) {
      const grantKey = this.grantKey(payload.grantId);
      writes.push(['rpush', grantKey, key]);
      // The list lives as long as its longest-lived token: set if none yet, else only ever extended.
      if (expiresIn) writes.push(['expire', grantKey, expiresIn, 'NX'], ['expire', grantKey, expiresIn, 'GT']);
    }
    if (payload.uid) writes.push(['set', this.uidKey(payload.uid), id, ...lifetime]);
    if (payload.userCode) writes.push(['set', this.userCodeKey(payload.userCode), id, ...lifetime]);
    // One command alone (most models: an entry and its lifetime in one SET), else all in a MULTI.
    if (writes.length === 1) await this.redis.call(...(writes[0] as [string, ...(string | number)[]]));
    else await this.redis.multi(writes).exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.key(id);
    if (!CONSUMABLE.has(this.name)) {
      const data = await this.redis.get(key);
      return data ? (JSON.parse(data) as AdapterPayload) : undefined;
    }
    const { payload, consumed } = await this.redis.hgetall(key);
    if (!payload) return undefined;
    return { ...(JSON.parse(payload) as AdapterPayload), ...(consumed ? { consumed: Number(consumed) } : {}) };
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    // Models found by uid (Session) are stored as plain strings, never as consumable hashes.
    if (CONSUMABLE.has(this.name)) {
      const id = await this.redis.get(this.uidKey(uid));
      return id ? this.find(id) : undefined;
    }
    const data = await this.redis.relaisFindByReference(this.uidKey(uid), `${this.prefix}${this.name}:`);
    return data ? (JSON.parse(data) as AdapterPayload) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.userCodeKey(userCode));
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    await this.redis.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const tokens = await this.redis.lrange(grantKey, 0, -1);
    await this.redis.del(...tokens, grantKey);
  }

  private key(id: string): string {
    return `${this.prefix}${this.name}:${id}`;
  }

  private grantKey(grantId: string): string {
    return `${this.prefix}grant:${grantId}`;
  }

  private uidKey(uid: string): string {
    return `${this.prefix}uid:${uid}`;
  }

  private userCodeKey(userCode: string): string {
    return `${this.prefix}user_code:${userCode}`;
  }
}
