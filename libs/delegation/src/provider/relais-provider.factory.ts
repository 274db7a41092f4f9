import { derivedSecretsKeys, type RelaisConfig, trustedProxies } from '@relais/config';
import { errorText } from '@relais/exceptions';
import {
  clientSecretMatches,
  type PublicService,
  type PublicServiceDirectory,
  type PublicServicesService,
} from '@relais/public-services';
import { type IoRedisConnection, oidcKeyPrefix } from '@relais/redis';
import Provider, {
  type AdapterPayload,
  type Configuration,
  errors,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import type { DelegatedAccounts } from '../services/delegated-accounts.service.js';
import { clientAuthLimit } from './client-auth-limit.js';
import { DELEGATION_CLAIMS, delegationClaims, pairwiseSubject } from './delegation-claims.js';
import { logProviderErrors, providerErrorCode } from './provider-errors.js';
import type { ProviderPages } from './provider-pages.js';
import { relaisProviderResponses, widenFormAction } from './provider-responses.js';
import { RedisAdapter } from './redis-adapter.js';

/** Where the provider is mounted in the api. */
export const OIDC_MOUNT_PATH = '/oidc';
/** The interaction pages (apps/api delegation controller). */
export const DELEGATION_PATH = '/delegation';
export const DELEGATION_ACR = 'eidas1';
/** An unfinished interaction expires after 5 minutes. */
export const INTERACTION_TTL_S = 300;
/** The longest `state` and `nonce` accepted (services send 20 to 100 characters). */
export const MAX_STATE_NONCE_LENGTH = 512;

/** Refuses an oversized `state` or `nonce` (they are stored with the interaction and echoed back). */
function boundedLength(name: 'state' | 'nonce') {
  return (ctx: KoaContextWithOIDC, value: string | undefined) => {
    if (value === undefined || value.length <= MAX_STATE_NONCE_LENGTH) return;
    // Not echoed back to the service with the error.
    if (name === 'state') ctx.oidc.params!.state = undefined;
    throw new errors.InvalidRequest(`${name} must be at most ${MAX_STATE_NONCE_LENGTH} characters`);
  };
}

/**
 * Whether an RP-initiated logout names a delegated login this browser's provider session no
 * longer holds: its service has no authorisation in the session, or the ID token hint names
 * another subject than the session's account.
 */
function isEarlierLogin(ctx: KoaContextWithOIDC): boolean {
  const session = ctx.oidc.session;
  const clientId = ctx.oidc.client?.clientId;
  const hint = ctx.oidc.entities.IdTokenHint as { payload?: { sub?: string } } | undefined;
  if (!session?.accountId || !clientId) return false;
  const authorizations = (session as unknown as { authorizations?: Record<string, unknown> }).authorizations;
  if (!authorizations?.[clientId]) return true;
  return hint?.payload?.sub !== undefined && hint.payload.sub !== session.accountId;
}

/** The service's post-logout address with its `state`, as the logout confirmation would redirect. */
function postLogoutAddress(ctx: KoaContextWithOIDC): string | undefined {
  const state = ctx.oidc.session?.state as { postLogoutRedirectUri?: string; state?: string } | undefined;
  if (!state?.postLogoutRedirectUri || !URL.canParse(state.postLogoutRedirectUri)) return undefined;
  const url = new URL(state.postLogoutRedirectUri);
  if (state.state != null) url.searchParams.set('state', String(state.state));
  return url.href;
}

export interface ProviderDependencies {
  config: RelaisConfig;
  redis: IoRedisConnection;
  jwks: { keys: object[] };
  /** The key of the pairwise subjects (ProviderKeys.pairwiseKey). */
  pairwiseKey: Buffer;
  accounts: DelegatedAccounts;
  /** Clients are read through it: cached across requests, forgotten by every process at each change. */
  publicServices: PublicServiceDirectory;
  /** Journals the failed client authentications. */
  registry: PublicServicesService;
  pages: ProviderPages;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    [DISCLOSE_ACT]: service.discloseAct !== false,
  };
}

/** Client metadata of Relais' own: whether the service receives `act`. */
const DISCLOSE_ACT = 'relais_disclose_act';

/**
 * Relais as an OpenID Connect provider for public services (panva's oidc-provider: no protocol
 * code here, only configuration). State lives in Redis, clients in PostgreSQL, keys in
 * PostgreSQL (encrypted): any api process can take any step of a flow.
 */
export function createRelaisProvider(deps: ProviderDependencies): Provider {
  const { config, redis, accounts, publicServices, registry, pages } = deps;
  const prefix = oidcKeyPrefix(config.REDIS_PREFIX);

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
      // Signed with the current key; during a SECRETS_KEY rotation, the previous one still verifies.
      keys: derivedSecretsKeys(config, 'relais/oidc/cookies/v1').map((key) => key.toString('base64url')),
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    extraClientMetadata: { properties: [DISCLOSE_ACT] },
    extraParams: { state: boundedLength('state'), nonce: boundedLength('nonce') },
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
    // A public service's browser code may call userinfo (and the token endpoint) from the origins
    // of its own redirect URIs, not from anywhere.
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin) ?? false,
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // The confirmation then redirects to the service's post-logout address.
          widenFormAction(ctx, [ctx.oidc.session?.state?.postLogoutRedirectUri as string | undefined]);
          ctx.type = 'html';
          ctx.body = await pages.render('delegation/logout.njk', {
            pageTitle: 'Déconnexion',
            form,
            serviceName: ctx.oidc.client?.clientName,
            // A service's logout for an earlier delegated login (another citizen or service since
            // in this browser) must not end the current one: a link back to the service, no form.
            earlier: isEarlierLogin(ctx),
            backToService: postLogoutAddress(ctx),
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
    // The account id is the citizen's pairwise subject at the service; the delegation is the
    // token's grant (grant id = delegation id), re-checked at every use.
    findAccount: async (ctx: KoaContextWithOIDC, id: string, token?: { grantId?: string }) => {
      const clientId = ctx.oidc.client?.clientId;
      if (!clientId) return undefined;
      // The authorization endpoint with a provider session (code flow): nothing is disclosed
      // there, and each delegated login picks its citizen again.
      if (!token) return { accountId: id, claims: async () => ({ sub: id }) };
      // Tokens issued before grants were named after their delegation: the account id was it.
      const delegationId = token.grantId && UUID.test(token.grantId) ? token.grantId : id;
      const account = UUID.test(delegationId) ? await accounts.account(delegationId, clientId) : null;
      if (!account) return undefined;
      // Pairwise (stable for that service, unlinkable across services); the delegation itself is
      // the grant (its id is the delegation's), so each token still names one delegation.
      const sub = pairwiseSubject(deps.pairwiseKey, clientId, account.citizen.id);
      if (delegationId === token.grantId && sub !== id) return undefined;
      // A service with `act` switched off gets neither act nor anything of the aide.
      const discloseAct = ctx.oidc.client?.metadata()[DISCLOSE_ACT] !== false;
      return { accountId: id, claims: async () => delegationClaims(account, sub, { discloseAct }) };
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
  // The same proxies as the api's `trust proxy`: the client IP (rate limits) is the address the
  // farthest trusted proxy saw, never one the client wrote into X-Forwarded-For.
  provider.proxy = trustedProxies(config) > 0;
  provider.maxIpsCount = Math.max(trustedProxies(config), 1);
  logProviderErrors(provider);
  provider.use(relaisProviderResponses(pages));
  provider.use(
    clientAuthLimit({
      redis,
      prefix,
      onFailure: (clientId, endpoint) => registry.journalAuthenticationFailure(clientId, endpoint),
    }),
  );
  // Client secrets are stored hashed: the "client_secret" oidc-provider holds is the hash.
  (provider.Client.prototype as unknown as { compareClientSecret(actual: unknown): boolean }).compareClientSecret =
    function compareClientSecret(this: { clientSecret: string }, actual: unknown) {
      return clientSecretMatches(this.clientSecret, actual);
    };
  return provider;
}
