import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

import { DEMO_SERVICE_ERRORS, DemoServiceError, type DemoServiceErrorCode } from './demo-service-error.js';

function codeFor(error: unknown): DemoServiceErrorCode {
  if (error instanceof DemoServiceError) return error.code;
  if (error instanceof HttpException && error.getStatus() === HttpStatus.NOT_FOUND) return 'not_found';
  return 'internal';
}

/**
 * Every error becomes the French error page with its status, never a stack trace. The log gets
 * the error's code only (and the technical code behind it), no message and no personal data.
 */
@Catch()
export class DemoServiceErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('DemoService');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const code = codeFor(error);
    const { status, title, message } = DEMO_SERVICE_ERRORS[code];
    if (code === 'internal') {
      this.logger.error(`internal error (${(error as Error)?.name ?? typeof error})`);
    } else if (code !== 'not_found') {
      const detail = error instanceof DemoServiceError && error.detail ? ` (${error.detail})` : '';
      this.logger.warn(`login refused: ${code}${detail}`);
    }
    if (res.headersSent) return;
    res.status(status).render('error.njk', { pageTitle: title, message, code, retry: status !== 404 });
  }
}
