import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { Request } from 'express';

import { SessionRedis } from '../services/session-redis.service.js';

/** Per IP: 30 login attempts (password, code, enrolment, invitation) per 15 minutes. */
export const LOGIN_ATTEMPTS_PER_WINDOW = 30;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/**
 * Counts login attempts per client IP in Redis (fixed window shared by every api process); past
 * the limit, 429 until the window ends. Per-account lockout is the Authenticator's job.
 * (@nestjs/throttler is CommonJS and cannot load next to ESM Nest 12 under jest.)
 */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  constructor(private readonly redis: SessionRedis) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const client = await this.redis.connected();
    const key = `${this.redis.prefix}login-attempts:${request.ip ?? 'unknown'}`;
    const [attempts] = (await client.multi().incr(key).pExpire(key, LOGIN_WINDOW_MS, 'NX').exec()) as unknown as [
      number,
    ];
    if (attempts > LOGIN_ATTEMPTS_PER_WINDOW) throw new DomainException(ErrorCode.TooManyRequests);
    return true;
  }
}
