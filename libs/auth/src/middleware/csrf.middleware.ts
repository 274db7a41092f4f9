import { Injectable, type NestMiddleware } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  // A file upload (multipart) is parsed after this middleware, by the route: its form carries the
  // token in its action's query instead (`?_csrf=`), checked the same way against the session.
  getTokenFromRequest: (req) =>
    (req.body as { _csrf?: string } | undefined)?._csrf ??
    (req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined),
});

/**
 * Synchronizer-token CSRF protection for every form: the token lives in the session and each
 * page gets it as `csrfToken` (layout forms send it as `_csrf`). A missing or wrong token is a 403.
 */
@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    csrfSynchronisedProtection(req, res, (error?: unknown) => {
      if (error) return next(new DomainException(ErrorCode.CsrfRejected));
      res.locals.csrfToken = generateToken(req);
      next();
    });
  }
}
