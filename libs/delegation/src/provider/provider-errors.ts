import type { EventEmitter } from 'node:events';

import { Logger } from '@nestjs/common';
import { ErrorCode } from '@relais/exceptions';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** The error events of oidc-provider worth a log line (one per endpoint, and its unexpected errors). */
export const PROVIDER_ERROR_EVENTS = [
  'server_error',
  'authorization.error',
  'backchannel.error',
  'end_session.error',
  'grant.error',
  'introspection.error',
  'jwks.error',
  'discovery.error',
  'end_session_confirm.error',
  'end_session_success.error',
  'pushed_authorization_request.error',
  'registration_create.error',
  'registration_delete.error',
  'registration_read.error',
  'registration_update.error',
  'revocation.error',
  'userinfo.error',
] as const;

/** A panva error code (e.g. `invalid_client`) as the catalogue's code a person reads. */
export function providerErrorCode(error: string | undefined): ErrorCode {
  switch (error) {
    case 'invalid_client':
      return ErrorCode.ProviderUnknownService;
    case 'invalid_redirect_uri':
      return ErrorCode.ProviderRedirectRefused;
    case 'server_error':
    case undefined:
      return ErrorCode.ProviderFailed;
    default:
      return ErrorCode.ProviderRequestInvalid;
  }
}

interface ProviderError {
  name?: string;
  error?: string;
  status?: number;
  statusCode?: number;
}

/**
 * Logs every error oidc-provider emits: the event, panva's code, the status and the client id
 * (a public service, not a person). Never the description, the request or the account.
 */
export function logProviderErrors(provider: Provider, logger = new Logger('OidcProvider')): void {
  // One listener shape for all: the typed overloads of Provider.on take one event name at a time.
  const events = provider as unknown as EventEmitter;
  for (const event of PROVIDER_ERROR_EVENTS) {
    events.on(event, (ctx: KoaContextWithOIDC, error: ProviderError) => {
      const status = error?.statusCode ?? error?.status ?? 500;
      const entry = {
        event,
        error: error?.error ?? error?.name ?? 'unknown',
        code: providerErrorCode(error?.error),
        status,
        client: ctx?.oidc?.client?.clientId,
      };
      if (status >= 500) logger.error(entry, 'provider error');
      else logger.warn(entry, 'provider refused a request');
    });
  }
}
