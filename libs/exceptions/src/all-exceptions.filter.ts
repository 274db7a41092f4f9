import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { DomainException } from './domain.exception.js';
import type { ErrorCode } from './enums/error-code.enum.js';
import { codeForStatus, errorText } from './error-catalogue.js';
import { uploadLimitException } from './upload-limit.js';

interface ErrorView {
  status: number;
  code: ErrorCode;
  title: string;
  message: string;
  details?: unknown;
}

/**
 * The one place errors become responses: JSON for API clients, a French page for browsers.
 * Only unexpected errors are logged, without request data; stack traces never reach the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const exception = uploadLimitException(thrown);
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const view = this.toView(exception);
    if (view.status >= 500) {
      // Type, message and stack only: driver errors carry values (e.g. PostgreSQL's `detail`).
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        { err: { type: error.name, message: error.message, stack: error.stack }, path: request.path },
        'unexpected error',
      );
    }
    if (response.headersSent) return;
    response.status(view.status);
    if (wantsHtml(request) && exception instanceof DomainException && exception.redirectTo) {
      response.redirect(303, exception.redirectTo);
    } else if (wantsHtml(request)) {
      response.render('error.njk', { error: view, pageTitle: view.title });
    } else {
      response.json({ statusCode: view.status, code: view.code, message: view.message, details: view.details });
    }
  }

  private toView(exception: unknown): ErrorView {
    if (exception instanceof DomainException) {
      return {
        status: exception.status,
        code: exception.code,
        title: exception.title,
        message: exception.userMessage,
        details: exception.details,
      };
    }
    const status = statusOf(exception);
    const code = codeForStatus(status);
    const text = errorText(code);
    return { status, code, title: text.title, message: text.message };
  }
}

/** HttpException, or an Express/body-parser error carrying a 4xx status (e.g. malformed JSON). */
function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { status?: unknown; statusCode?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

function wantsHtml(request: Request): boolean {
  if (request.path.startsWith('/api/') || request.path.startsWith('/health/')) return false;
  return request.accepts(['json', 'html']) === 'html';
}
