import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { SessionCheck } from '@relais/auth';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { CitizenSubject, type CitizenPrincipal } from '@relais/portal';
import type { Request, Response } from 'express';

/** Every portal page but login: the one SessionCheck with the citizen subject (12 h, 30 min idle). */
@Injectable()
export class CitizenGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionCheck,
    private readonly subject: CitizenSubject,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { citizen?: CitizenPrincipal }>();
    request.citizen = await this.sessions.require(request, this.subject, {
      stepUp: false,
      // Back to the page asked for after logging in again (GET only: a form is shown again first).
      returnTo: request.method === 'GET' ? request.originalUrl : undefined,
      returnAfterLogin: request.method === 'GET',
    });
    // Every logged-in page has the logout form, which ends at FranceConnect's end_session:
    // Chromium checks that redirect against form-action.
    const response = context.switchToHttp().getResponse<Response>();
    const csp = response.getHeader('content-security-policy');
    if (typeof csp === 'string') {
      const franceConnect = new URL(this.config.FRANCECONNECT_ISSUER).origin;
      response.setHeader(
        'content-security-policy',
        csp.replace("form-action 'self'", `form-action 'self' ${franceConnect}`),
      );
    }
    return true;
  }
}

/** A portal page: a logged-in citizen. */
export const CitizenPage = () => applyDecorators(UseGuards(CitizenGuard));

/** The citizen CitizenGuard loaded. */
export const CurrentCitizen = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<Request & { citizen: CitizenPrincipal }>().citizen,
);
