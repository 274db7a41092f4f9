import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { errors } from 'oidc-provider';

function describe(error: unknown): { status: number; message: string } {
  if (error instanceof errors.SessionNotFound) {
    return {
      status: HttpStatus.BAD_REQUEST,
      message: 'Cette demande de connexion a expiré ou est déjà terminée. Revenez sur le service et recommencez.',
    };
  }
  if (error instanceof HttpException && error.getStatus() === HttpStatus.NOT_FOUND) {
    return { status: HttpStatus.NOT_FOUND, message: 'Cette page n’existe pas.' };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    return { status: error.getStatus(), message: error.message };
  }
  if (error instanceof errors.OIDCProviderError && error.statusCode < 500) {
    return { status: error.statusCode, message: 'La demande de connexion n’est pas valable.' };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Le bac à sable a rencontré une erreur inattendue.' };
}

/** Every error of the sandbox's own pages becomes the French error page (never a stack trace). */
@Catch()
export class SandboxErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, message } = describe(error);
    if (status >= 500) console.error(error);
    if (res.headersSent) return;
    res.status(status).render('error.njk', { pageTitle: 'Connexion impossible', message });
  }
}
