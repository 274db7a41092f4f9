import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { derivedSecretsKeys, RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { RedisStore } from 'connect-redis';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { NextFunction, Request, Response } from 'express';
import session, { type SessionData } from 'express-session';

import { IDLE_CLOCK_STEP_MS, SESSION_COOKIE, SESSION_IDLE_MS } from '../session-data.js';
import { SessionRedis } from '../services/session-redis.service.js';

/**
 * The Redis store, whose `touch` (an unchanged session's expiry pushed back) is skipped while the
 * idle clock is less than a minute old: the session was written when it moved, so its expiry in
 * Redis is at most IDLE_CLOCK_STEP_MS short of a fresh one.
 */
class IdleClockStore extends RedisStore {
  override async touch(sid: string, sess: SessionData, cb?: (error?: unknown) => void): Promise<unknown> {
    if (sess.lastSeenAt !== undefined && Date.now() - sess.lastSeenAt < IDLE_CLOCK_STEP_MS) return cb?.();
    return super.touch(sid, sess, cb);
  }
}

/**
 * Console sessions in Redis: HttpOnly cookie, SameSite=Lax, Secure behind https, renewed on each
 * request and expiring after 30 minutes idle (cookie and Redis TTL alike; the idle clock moves by the
 * minute: IdleClockStore).
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly handler: ReturnType<typeof session>;

  constructor(
    private readonly redis: SessionRedis,
    @Inject(RELAIS_CONFIG) config: RelaisConfig,
  ) {
    // Signed with the current key; during a SECRETS_KEY rotation, cookies signed with the previous one still count.
    const secret = derivedSecretsKeys(config, 'relais session cookie').map((key) => key.toString('base64'));
    this.handler = session({
      name: SESSION_COOKIE,
      secret,
      store: new IdleClockStore({
        client: redis.client,
        prefix: `${redis.prefix}session:`,
        ttl: SESSION_IDLE_MS / 1000,
      }),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: config.ISSUER.startsWith('https:'),
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.ISSUER.startsWith('https:'),
        maxAge: SESSION_IDLE_MS,
        path: '/',
      },
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    // Without Redis no session can be read or kept: say "unavailable, retry later", not "bug".
    const unavailable = () => next(new DomainException(ErrorCode.ServiceUnavailable));
    if (!this.redis.client.isReady) return unavailable();
    this.handler(req, res, (error?: unknown) => (error ? unavailable() : next()));
  }
}
