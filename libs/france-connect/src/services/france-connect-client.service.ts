import { Inject, Injectable, Logger } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import * as client from 'openid-client';

import { UnexpectedFranceConnectResponseError } from '../exceptions/unexpected-franceconnect-response.error.js';
import { failureSummary } from '../failure-summary.js';
import {
  franceConnectRedirectUri,
  FRANCECONNECT_SCOPE,
  FRANCECONNECT_SIGNING_ALG,
} from '../france-connect.constants.js';
import { identityFromClaims } from '../identity-from-claims.js';
import type { FranceConnectIdentity } from '../interfaces/france-connect-identity.interface.js';
import type { FranceConnectTransaction } from '../interfaces/france-connect-transaction.interface.js';

type FranceConnectSettings = Pick<
  RelaisConfig,
  | 'NODE_ENV'
  | 'ISSUER'
  | 'FRANCECONNECT_ISSUER'
  | 'FRANCECONNECT_CLIENT_ID'
  | 'FRANCECONNECT_CLIENT_SECRET'
  | 'FRANCECONNECT_ACR'
>;

/**
 * Relais as an OpenID Connect client of FranceConnect (openid-client 6): sends the citizen there,
 * then turns the callback into a verified identity. Every failure becomes a DomainException.
 */
@Injectable()
export class FranceConnectClient {
  /** Where FranceConnect sends the citizen back; registered at FranceConnect. */
  readonly redirectUri: string;
  private readonly logger = new Logger(FranceConnectClient.name);
  private configuration?: Promise<client.Configuration>;

  constructor(@Inject(RELAIS_CONFIG) private readonly config: FranceConnectSettings) {
    this.redirectUri = franceConnectRedirectUri(config.ISSUER);
  }

  /**
   * The URL to send the citizen to, and what to keep in their session until the callback; another
   * registered redirect URI than the consent's one may be given (the citizen portal has its own).
   */
  async authorizationRequest(
    redirectUri = this.redirectUri,
  ): Promise<{ url: URL; transaction: FranceConnectTransaction }> {
    try {
      const configuration = await this.discover();
      const transaction: FranceConnectTransaction = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: FRANCECONNECT_SCOPE,
        acr_values: this.config.FRANCECONNECT_ACR,
        code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
        code_challenge_method: 'S256',
        state: transaction.state,
        nonce: transaction.nonce,
      });
      return { url, transaction };
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Checks the callback against the session's transaction, exchanges the code and reads userinfo.
   * Only the callback URL's query is read: the redirect URI is the configured one, even behind a proxy.
   */
  async identify(callbackUrl: URL, transaction: FranceConnectTransaction): Promise<FranceConnectIdentity> {
    return (await this.logIn(callbackUrl, transaction)).identity;
  }

  /**
   * The same check, for a session that will end with FranceConnect (the citizen portal): also gives
   * the raw ID token, to keep in the server-side session as the logout's id_token_hint only.
   */
  async logIn(
    callbackUrl: URL,
    transaction: FranceConnectTransaction,
    redirectUri = this.redirectUri,
  ): Promise<{ identity: FranceConnectIdentity; idToken: string }> {
    try {
      const configuration = await this.discover();
      const currentUrl = new URL(redirectUri);
      currentUrl.search = callbackUrl.search;
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      if (idToken.acr !== this.config.FRANCECONNECT_ACR) {
        throw new UnexpectedFranceConnectResponseError('unexpected_acr', 'acr');
      }
      const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      return { identity: identityFromClaims(idToken, userinfo, tokens.id_token!), idToken: tokens.id_token! };
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Where to send the browser to end its FranceConnect session too (RP-initiated logout); null when
   * FranceConnect cannot be reached (the Relais session ends anyway).
   */
  async logoutUrl(idTokenHint: string, postLogoutRedirectUri: string, state: string): Promise<URL | null> {
    try {
      return client.buildEndSessionUrl(await this.discover(), {
        id_token_hint: idTokenHint,
        post_logout_redirect_uri: postLogoutRedirectUri,
        state,
      });
    } catch (error) {
      this.logger.warn({ err: failureSummary(error) }, 'FranceConnect logout unavailable');
      return null;
    }
  }

  /** Discovery once; a failed attempt is forgotten so the next login tries again (boot never waits on it). */
  private discover(): Promise<client.Configuration> {
    if (!this.configuration) {
      const attempt = this.fetchConfiguration();
      this.configuration = attempt;
      attempt.catch(() => {
        if (this.configuration === attempt) this.configuration = undefined;
      });
    }
    return this.configuration;
  }

  private async fetchConfiguration(): Promise<client.Configuration> {
    const issuer = new URL(this.config.FRANCECONNECT_ISSUER);
    // Plain http only for the local sandbox; openid-client refuses it otherwise.
    const insecure = issuer.protocol === 'http:' && this.config.NODE_ENV !== 'production';
    const configuration = await client.discovery(
      issuer,
      this.config.FRANCECONNECT_CLIENT_ID,
      {
        id_token_signed_response_alg: FRANCECONNECT_SIGNING_ALG,
        userinfo_signed_response_alg: FRANCECONNECT_SIGNING_ALG,
      },
      client.ClientSecretPost(this.config.FRANCECONNECT_CLIENT_SECRET),
      { execute: insecure ? [client.allowInsecureRequests] : [] },
    );
    // Check the signatures of the ID token and of the userinfo JWT against FranceConnect's JWKS.
    client.enableNonRepudiationChecks(configuration);
    return configuration;
  }

  private failure(error: unknown): DomainException {
    if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
      return new DomainException(ErrorCode.FranceConnectCancelled);
    }
    this.logger.warn({ err: failureSummary(error) }, 'FranceConnect login failed');
    return new DomainException(ErrorCode.FranceConnectFailed);
  }
}
