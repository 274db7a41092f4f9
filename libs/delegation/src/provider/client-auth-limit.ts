import type { IoRedisConnection } from '@relais/redis';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Per client_id: 10 failed client authentications per 15 minutes, then 429 until the window ends. */
export const CLIENT_AUTH_FAILURES_PER_CLIENT = 10;
/** Per IP (whatever the client_id): 30 per 15 minutes. */
export const CLIENT_AUTH_FAILURES_PER_IP = 30;
export const CLIENT_AUTH_WINDOW_MS = 15 * 60 * 1000;

/** The provider's endpoints where a public service authenticates with its secret. */
const CLIENT_AUTH_PATHS = new Set(['/token', '/token/revocation', '/token/introspection']);

/** The client_id of an `Authorization: Basic` header (client_secret_basic), if well formed. */
export function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replaceAll('+', '%20'));
  } catch {
    return undefined;
  }
}

export interface ClientAuthLimitOptions {
  redis: IoRedisConnection;
  /** Key prefix (`oidcKeyPrefix(REDIS_PREFIX)`): both counters of a request share its hash tag (one MGET, one MULTI). */
  prefix: string;
  /** Journals a failed authentication of a client_id (a registered service or not). */
  onFailure: (clientId: string, endpoint: string) => Promise<void>;
}

/**
 * Wrong client secrets at the token endpoint (and revocation): counted in Redis per client_id and
 * per IP (fixed windows shared by every api process, as the console login's), each failure
 * journaled; past a limit, 429 with Retry-After before the secret is even checked.
 */
export function clientAuthLimit({ redis, prefix, onFailure }: ClientAuthLimitOptions) {
  return async function limitClientAuth(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) return next();
    const clientId = basicClientId(ctx.get('authorization'));
    const keys = [
      `${prefix}client-auth-failures:ip:${ctx.ip || 'unknown'}`,
      ...(clientId ? [`${prefix}client-auth-failures:client:${clientId}`] : []),
    ];
    const limits = [CLIENT_AUTH_FAILURES_PER_IP, CLIENT_AUTH_FAILURES_PER_CLIENT];
    const counts = await redis.mget(...keys);
    if (counts.some((count, index) => Number(count ?? 0) >= limits[index])) {
      const ttl = Math.max(...(await Promise.all(keys.map((key) => redis.pttl(key)))), 1000);
      ctx.status = 429;
      ctx.set('retry-after', String(Math.ceil(ttl / 1000)));
      ctx.set('cache-control', 'no-store');
      ctx.body = {
        error: 'temporarily_unavailable',
        error_description: 'too many failed client authentications, try again later',
      };
      return;
    }
    await next();
    const body = ctx.body as { error?: string } | undefined;
    if (ctx.status !== 401 || body?.error !== 'invalid_client') return;
    const multi = redis.multi();
    for (const key of keys) multi.incr(key).pexpire(key, CLIENT_AUTH_WINDOW_MS, 'NX');
    await multi.exec();
    if (clientId) await onFailure(clientId, ctx.path.slice(1));
  };
}
