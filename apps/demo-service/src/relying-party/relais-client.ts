import * as client from 'openid-client';

import { DemoServiceError } from '../demo-service-error.js';

/**
 * What the service asks Relais for. `openid` brings who acts and under which mandate (`act`,
 * `mandate_id`, `procedure_area` in Relais); `profile` and `birth` the citizen's identity with
 * FranceConnect's claim names; `procedure_area` the area and mandate again. Change it here.
 */
export const DEMO_SERVICE_SCOPES = ['openid', 'profile', 'birth', 'procedure_area'] as const;

export interface RelaisClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `${url}/callback` */
  redirectUri: string;
  /** `${url}/` */
  postLogoutRedirectUri: string;
  area?: string;
  allowInsecureIssuer: boolean;
}

/** What the service keeps between sending the browser to Relais and its return (single use). */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the service got from Relais, kept in the session for the account page and the logout. */
export interface RelaisLogin {
  idToken: string;
  idTokenClaims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
}

/** Seconds openid-client waits for each request to Relais. */
const REQUEST_TIMEOUT = 10;

/**
 * The relying party (openid-client 6): discovery on first use (Relais may start after this
 * service), authorization code flow with PKCE S256, state and nonce, `client_secret_basic`.
 */
export class RelaisClient {
  private configuration?: Promise<client.Configuration>;

  constructor(private readonly options: RelaisClientOptions) {}

  /** The authorization URL to send the browser to, and what the callback must check. */
  async authorizationRequest(): Promise<{ url: URL; transaction: LoginTransaction }> {
    const configuration = await this.discover();
    const transaction: LoginTransaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const parameters: Record<string, string> = {
      redirect_uri: this.options.redirectUri,
      scope: DEMO_SERVICE_SCOPES.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    };
    if (this.options.area) {
      parameters.claims = JSON.stringify({ id_token: { procedure_area: { value: this.options.area } } });
    }
    return { url: client.buildAuthorizationUrl(configuration, parameters), transaction };
  }

  /**
   * Exchanges the code (checking state, nonce, PKCE and the ID token, signature included), then
   * reads userinfo for the ID token's subject. `callbackUrl` is the callback as Relais called it.
   */
  async finishLogin(callbackUrl: URL, transaction: LoginTransaction): Promise<RelaisLogin> {
    const configuration = await this.discover();
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        pkceCodeVerifier: transaction.codeVerifier,
        idTokenExpected: true,
      });
    } catch (error) {
      throw tokenError(error);
    }
    const idTokenClaims = tokens.claims()!;
    let userinfo: Record<string, unknown>;
    try {
      userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idTokenClaims.sub);
    } catch (error) {
      throw new DemoServiceError(isNetworkError(error) ? 'provider_unavailable' : 'userinfo_failed', codeOf(error));
    }
    return { idToken: tokens.id_token!, idTokenClaims: { ...idTokenClaims }, userinfo: { ...userinfo } };
  }

  /** RP-initiated logout at Relais, back to the service's home. */
  async logoutUrl(idToken: string): Promise<URL> {
    const configuration = await this.discover();
    return client.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: this.options.postLogoutRedirectUri,
    });
  }

  /** Discovery once, on first use; retried at the next request when Relais did not answer. */
  private discover(): Promise<client.Configuration> {
    this.configuration ??= this.runDiscovery().catch((error: unknown) => {
      this.configuration = undefined;
      throw new DemoServiceError('provider_unavailable', codeOf(error));
    });
    return this.configuration;
  }

  private async runDiscovery(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret, allowInsecureIssuer } = this.options;
    const configuration = await client.discovery(
      new URL(issuer),
      clientId,
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: allowInsecureIssuer ? [client.allowInsecureRequests] : [], timeout: REQUEST_TIMEOUT },
    );
    configuration.timeout = REQUEST_TIMEOUT;
    // openid-client trusts the TLS channel to the token endpoint and does not check the ID
    // token's signature by default: check it against Relais' published keys anyway.
    client.enableNonRepudiationChecks(configuration);
    return configuration;
  }
}

/** A code for the log (never a message): the OAuth error, openid-client's code, or the system's (ECONNREFUSED). */
function codeOf(error: unknown): string {
  if (error instanceof DemoServiceError) return error.detail ?? error.code;
  if (error instanceof client.ResponseBodyError) return error.error;
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth += 1) {
    const { code } = cause as { code?: unknown };
    if (typeof code === 'string' && /^[\w.-]{1,64}$/.test(code)) return code;
    cause = cause.cause;
  }
  return error instanceof Error ? error.name : 'unknown';
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    (error instanceof Error && ['AbortError', 'TimeoutError'].includes(error.name)) ||
    (error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM')
  );
}

/** Why the token request failed, in the service's words. */
function tokenError(error: unknown): DemoServiceError {
  if (error instanceof DemoServiceError) return error;
  // Relais answered with an OAuth error (invalid_grant: code already used, expired, wrong PKCE).
  if (error instanceof client.ResponseBodyError) return new DemoServiceError('token_refused', error.error);
  if (error instanceof client.AuthorizationResponseError) {
    return new DemoServiceError(error.error === 'access_denied' ? 'access_denied' : 'authorization_error', error.error);
  }
  if (isNetworkError(error)) return new DemoServiceError('provider_unavailable', codeOf(error));
  // Everything else is a response openid-client refused: a bad ID token (signature, iss, aud,
  // nonce, expiry), a wrong state or iss in the callback, a malformed token response.
  return new DemoServiceError('id_token_rejected', codeOf(error));
}
