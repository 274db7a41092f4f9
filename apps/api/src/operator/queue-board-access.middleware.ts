import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { ConsoleSubjects, SessionCheck } from '@relais/auth';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';

import { boardChangeAllowed, QUEUE_BOARD_PATH, QUEUES_PAGE, QueueBoard } from './queue-board.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The board's own page loads its script and stylesheet from 'self' but styles elements inline,
 * and it is framed by the console page: only under QUEUE_BOARD_PATH are inline styles and
 * same-origin framing allowed. Scripts stay 'self' only; nothing is loaded from elsewhere (its
 * web font link is refused, the system font is used).
 */
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

/**
 * Every request under QUEUE_BOARD_PATH (page, assets, JSON API) goes through here, in place of the
 * console's CSRF middleware (the board's API cannot send the form token):
 * 1. a change (any method but GET/HEAD) must come from this origin (`Origin`, else `Referer`; the
 *    session cookie is SameSite=Lax besides), else 403 "Formulaire expiré";
 * 2. the operator session check of every operator page, with step-up (the same SessionCheck as
 *    ConsoleGuard): anonymous → login, an aide who is not operator → 403, idle → step-up;
 * 3. only the changes of boardChangeAllowed (retrying failed jobs), each journaled;
 * then bull-board answers.
 */
@Injectable()
export class QueueBoardAccess implements NestMiddleware {
  private readonly logger = new Logger(QueueBoardAccess.name);
  private readonly origin: string;

  constructor(
    private readonly sessions: SessionCheck,
    private readonly subjects: ConsoleSubjects,
    private readonly board: QueueBoard,
    private readonly audit: AuditRecorder,
    private readonly dataSource: DataSource,
    @Inject(RELAIS_CONFIG) config: RelaisConfig,
  ) {
    this.origin = new URL(config.ISSUER).origin;
  }

  async use(req: Request & { member?: unknown }, res: Response, next: NextFunction): Promise<void> {
    const path = boardRelativePath(req.originalUrl);
    if (path === null) return next();
    try {
      const change = !SAFE_METHODS.has(req.method);
      if (change && !this.sameOrigin(req)) throw new DomainException(ErrorCode.CsrfRejected);
      // After login or step-up, back to the console page that frames the board.
      const operator = await this.sessions.require(req, this.subjects.operator, {
        stepUp: true,
        returnTo: QUEUES_PAGE,
      });
      req.member = operator;
      if (change && !boardChangeAllowed(req.method, path)) throw new DomainException(ErrorCode.QueueBoardChangeRefused);
      if (change) this.journalOnSuccess(res, operator.id, path);
    } catch (error) {
      return next(error);
    }
    res.setHeader('Content-Security-Policy', BOARD_CSP);
    res.setHeader('Cache-Control', 'no-store');
    this.serve(req, res, path, next);
  }

  /** Hands the request to bull-board's Express app, as if it were mounted at QUEUE_BOARD_PATH. */
  private serve(req: Request, res: Response, path: string, next: NextFunction): void {
    const url = req.url;
    // An Express app taking a request swaps the request's and response's prototypes for its own;
    // when bull-board has no route for it, they are put back before the rest of the api sees it.
    const prototypes = [Object.getPrototypeOf(req), Object.getPrototypeOf(res)] as const;
    req.url = path + (req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '');
    this.board.handler(req, res, (error?: unknown) => {
      Object.setPrototypeOf(req, prototypes[0]);
      Object.setPrototypeOf(res, prototypes[1]);
      req.url = url;
      next(error);
    });
  }

  private sameOrigin(req: Request): boolean {
    const source = req.get('origin') ?? req.get('referer');
    return !!source && URL.canParse(source) && new URL(source).origin === this.origin;
  }

  /** A retry is journaled once bull-board said it was done (the queue lives in Redis, not in the transaction). */
  private journalOnSuccess(res: Response, operatorId: string, path: string): void {
    const [, , queue, job, target] = path.split('/').slice(1).map(decodeURIComponent);
    const details = target === 'failed' && job === 'retry' ? { queue, failedJobs: 'all' } : { queue, jobId: job };
    res.once('finish', () => {
      if (res.statusCode >= 300) return;
      this.dataSource
        .transaction((manager) =>
          this.audit.record(manager, {
            action: AuditAction.QueueJobsRetried,
            actor: { type: AuditActorType.Operator, id: operatorId },
            details,
          }),
        )
        .catch((error: Error) => this.logger.error({ error: error.message, ...details }, 'queue retry not journaled'));
    });
  }
}

/** The path under QUEUE_BOARD_PATH ("/" for the board itself), or null for any other path. */
export function boardRelativePath(originalUrl: string): string | null {
  const pathname = originalUrl.split('?')[0];
  if (pathname === QUEUE_BOARD_PATH) return '/';
  return pathname.startsWith(`${QUEUE_BOARD_PATH}/`) ? pathname.slice(QUEUE_BOARD_PATH.length) : null;
}
