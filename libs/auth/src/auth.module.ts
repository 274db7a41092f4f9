import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AidesModule } from '@relais/aides';
import { AuditModule } from '@relais/audit';

import { ConsoleGuard } from './guards/console.guard.js';
import { LoginRateLimitGuard } from './guards/login-rate-limit.guard.js';
import { CsrfMiddleware } from './middleware/csrf.middleware.js';
import { SessionMiddleware } from './middleware/session.middleware.js';
import { ConsoleLogin } from './services/console-login.service.js';
import { EnrolmentSecrets } from './services/enrolment-secrets.service.js';
import { ConsoleSubjects } from './services/console-subjects.service.js';
import { MemberContexts } from './services/member-context.service.js';
import { SessionCheck } from './services/session-check.service.js';
import { SessionRedis } from './services/session-redis.service.js';

/** Console sessions (Redis), CSRF, the login flow, the access guard and login rate limits. */
@Module({
  imports: [AidesModule, AuditModule],
  providers: [
    SessionRedis,
    MemberContexts,
    SessionCheck,
    ConsoleSubjects,
    ConsoleLogin,
    ConsoleGuard,
    EnrolmentSecrets,
    LoginRateLimitGuard,
  ],
  exports: [
    ConsoleLogin,
    ConsoleGuard,
    MemberContexts,
    SessionCheck,
    ConsoleSubjects,
    EnrolmentSecrets,
    SessionRedis,
    LoginRateLimitGuard,
  ],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SessionMiddleware, CsrfMiddleware)
      .exclude(
        { path: 'health/{*path}', method: RequestMethod.ALL },
        { path: 'api/{*path}', method: RequestMethod.ALL },
        // Public, stateless and multipart (the token could not be read before the upload is parsed).
        { path: 'verify', method: RequestMethod.POST },
        // The operators' queue board (apps/api QueueBoardModule) loads the session itself and
        // replaces the form token by an origin check its JSON API can pass.
        { path: 'operateur/files/tableau', method: RequestMethod.ALL },
        { path: 'operateur/files/tableau/{*path}', method: RequestMethod.ALL },
        { path: 'verify/rapport', method: RequestMethod.POST },
      )
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
