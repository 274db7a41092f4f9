import { hkdfSync } from 'node:crypto';

import type { RelaisConfig } from '@relais/config';
import { errorText } from '@relais/exceptions';
import { clientSecretMatches, type PublicService, type PublicServiceDirectory } from '@relais/public-services';
import type { Redis } from 'ioredis';
import Provider, {
  type AdapterPayload,
  type Configuration,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import type { DelegatedAccounts } from '../services/delegated-accounts.service.js';
import { DELEGATION_CLAIMS, delegationClaims, pairwiseSubject } from './delegation-claims.js';
import { logProviderErrors, providerErrorCode } from './provider-errors.js';
import type { ProviderPages } from './provider-pages.js';
import { RedisAdapter } from './redis-adapter.js';

/** Where the provider is mounted in the api. */
export const OIDC_MOUNT_PATH = '/oidc';
/** The interaction pages (apps/api delegation controller). */
export const DELEGATION_PATH = '/delegation';
export const DELEGATION_ACR = 'eidas1';
/** An unfinished interaction expires after 5 minutes. */
export const INTERACTION_TTL_S = 300;

export interface ProviderDependencies {
  config: RelaisConfig;
  redis: Redis;
  jwks: { keys: object[] };
  accounts: DelegatedAccounts;
  /** Clients are read through it: cached across requests, forgotten by every process at each change. */
  publicServices: PublicServiceDirectory;
  pages: ProviderPages;
}

const derive = (config: RelaisConfig, info: string) =>
  Buffer.from(hkdfSync('sha256', Buffer.from(config.SECRETS_KEY, 'base64'), Buffer.alloc(0), info, 32));

/** A registered, active public service as oidc-provider client metadata (the secret is a hash). */
function clientMetadata(service: PublicService): AdapterPayload {
  return {
    client_id: service.clientId,
    client_secret: service.secretHash,
    client_name: service.name,
    redirect_uris: service.redirectUris,
    post_logout_redirect_uris: service.postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/**
 * Relais as an OpenID Connect provider for public services (panva's oidc-provider: no protocol
 * code here, only configuration). State lives in Redis, clients in PostgreSQL, keys in
 * PostgreSQL (encrypted): any api process can take any step of a flow.
 */
export function createRelaisProvider(deps: ProviderDependencies): Provider {
  const { config, redis, accounts, publicServices, pages } = deps;
  const prefix = `${config.REDIS_PREFIX}:oidc:`;
  const pairwiseKey = derive(config, 'relais/oidc/pairwise-subjects/v1');

  const policy = interactionPolicy.base();
  // A delegated login always picks its citizen: an earlier session never answers for a new request.
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check('delegation_each_time', 'each delegated login chooses its citizen', (ctx) =>
        ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );

  const configuration: Configuration = {
    adapter: (name: string) =>
      name === 'Client'
        ? {
            find: async (clientId: string) => {
              const service = await publicServices.find(clientId);
              return service?.active ? clientMetadata(service) : undefined;
            },
            upsert: async () => undefined,
            findByUid: async () => undefined,
            findByUserCode: async () => undefined,
            consume: async () => undefined,
            destroy: async () => undefined,
            revokeByGrantId: async () => undefined,
          }
        : new RedisAdapter(redis, name, prefix),
    jwks: deps.jwks as Configuration['jwks'],
    cookies: {
      keys: [derive(config, 'relais/oidc/cookies/v1').toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: DELEGATION_CLAIMS,
    conformIdTokenClaims: false,
    acrValues: [DELEGATION_ACR],
    responseTypes: ['code'],
    pkce: { required: () => true },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = await pages.render('delegation/logout.njk', {
            pageTitle: 'Déconnexion',
            form,
            serviceName: ctx.oidc.client?.clientName,
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = await pages.render('delegation/logged-out.njk', { pageTitle: 'Vous êtes déconnecté' });
        },
      },
    },
    ttl: {
      Interaction: INTERACTION_TTL_S,
      Session: 3600,
      Grant: 3600,
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `${DELEGATION_PATH}/${interaction.uid}`,
    },
    findAccount: async (ctx: KoaContextWithOIDC, id: string) => {
      const clientId = ctx.oidc.client?.clientId;
      const account = clientId ? await accounts.account(id, clientId) : null;
      if (!account || !clientId) return undefined;
      const sub = pairwiseSubject(pairwiseKey, clientId, account.citizen.id);
      return { accountId: id, claims: async () => delegationClaims(account, sub) };
    },
    // A French page from the error catalogue, never panva's raw code or description.
    renderError: async (ctx, out) => {
      const code = providerErrorCode(out.error);
      const text = errorText(code);
      ctx.type = 'html';
      ctx.body = await pages.render('delegation/oidc-error.njk', { pageTitle: text.title, error: { code, ...text } });
    },
  };

  const provider = new Provider(`${config.ISSUER}${OIDC_MOUNT_PATH}`, configuration);
  provider.proxy = config.ISSUER.startsWith('https:');
  logProviderErrors(provider);
  // Client secrets are stored hashed: the "client_secret" oidc-provider holds is the hash.
  (provider.Client.prototype as unknown as { compareClientSecret(actual: unknown): boolean }).compareClientSecret =
    function compareClientSecret(this: { clientSecret: string }, actual: unknown) {
      return clientSecretMatches(this.clientSecret, actual);
    };
  return provider;
}
