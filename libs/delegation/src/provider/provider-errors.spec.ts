import { EventEmitter } from 'node:events';

import type { Logger } from '@nestjs/common';
import { ErrorCode } from '@relais/exceptions';
import type Provider from 'oidc-provider';

import { logProviderErrors, providerErrorCode } from './provider-errors.js';

describe('oidc-provider errors', () => {
  it('names each panva code by the catalogue code a person reads', () => {
    // Given panva's codes / When mapped / Then the catalogue's
    expect(providerErrorCode('invalid_client')).toBe(ErrorCode.ProviderUnknownService);
    expect(providerErrorCode('invalid_redirect_uri')).toBe(ErrorCode.ProviderRedirectRefused);
    expect(providerErrorCode('invalid_request')).toBe(ErrorCode.ProviderRequestInvalid);
    expect(providerErrorCode('server_error')).toBe(ErrorCode.ProviderFailed);
    expect(providerErrorCode(undefined)).toBe(ErrorCode.ProviderFailed);
  });

  it('logs an error event with its code, status and client id, and nothing of the request', () => {
    // Given a provider whose errors are logged
    const provider = new EventEmitter();
    const lines: unknown[] = [];
    const logger = { warn: (entry: unknown) => lines.push(entry), error: (entry: unknown) => lines.push(entry) };
    logProviderErrors(provider as unknown as Provider, logger as unknown as Logger);
    // When the authorization endpoint refuses a request carrying personal data in its description
    const ctx = { oidc: { client: { clientId: 'impots' } }, query: { login_hint: 'marie@example.fr' } };
    provider.emit('authorization.error', ctx, {
      error: 'invalid_request',
      error_description: 'login_hint marie@example.fr is invalid',
      statusCode: 400,
    });
    // Then one line, with no description or request data
    expect(lines).toEqual([
      {
        event: 'authorization.error',
        error: 'invalid_request',
        code: ErrorCode.ProviderRequestInvalid,
        status: 400,
        client: 'impots',
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('marie');
  });
});
