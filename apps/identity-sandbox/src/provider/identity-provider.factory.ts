import Provider, {
  type Account,
  type ClientMetadata,
  type Configuration,
  type ErrorOut,
  interactionPolicy,
  type JWKS,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import { findIdentityBySub } from '../identities/test-identities.js';
import { EIDAS1, FRANCE_CONNECT_CLAIMS } from './france-connect-claims.js';

/** Renders a page of the sandbox's views to HTML (nunjucks). */
export type PageRenderer = (template: string, context: Record<string, unknown>) => string;

export interface IdentityProviderOptions {
  issuer: string;
  clients: ClientMetadata[];
  jwks: JWKS;
  cookieKeys: string[];
  render: PageRenderer;
}

/** Where the interaction pages live, and FranceConnect-like paths for the protocol endpoints. */
export const INTERACTION_PATH = '/interaction';
export const PROTOCOL_PATH = '/api/v2';

/**
 * FranceConnect keeps nobody logged in here: a counter serves one citizen after another on the
 * same browser, so every authorization request shows the identity picker again.
 */
function identityPickedAtEveryAuthorization(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check('identity_not_picked', 'an identity is picked at every authorization', (ctx) =>
        ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );
  return policy;
}

function findAccount(_ctx: KoaContextWithOIDC, sub: string): Account | undefined {
  const identity = findIdentityBySub(sub);
  if (!identity) return undefined;
  // oidc-provider keeps only the claims the granted scopes allow.
  return { accountId: sub, claims: () => ({ ...identity.claims }) };
}

function errorPage(render: PageRenderer) {
  return (ctx: KoaContextWithOIDC, out: ErrorOut) => {
    ctx.type = 'html';
    ctx.body = render('error.njk', {
      pageTitle: 'Connexion impossible',
      message: 'La demande de connexion n’a pas pu aboutir. Revenez sur le service et recommencez.',
      technical: out,
    });
  };
}

export function createIdentityProvider(options: IdentityProviderOptions): Provider {
  const { render } = options;
  const configuration: Configuration = {
    clients: options.clients,
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256',
    },
    clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid'],
    claims: FRANCE_CONNECT_CLAIMS,
    acrValues: [EIDAS1],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256'],
    },
    jwks: options.jwks,
    findAccount,
    features: {
      devInteractions: { enabled: false },
      // Neither is part of FranceConnect.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      userinfo: { enabled: true },
      // FranceConnect v2 signs userinfo for clients registered with userinfo_signed_response_alg.
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = render('logout.njk', { pageTitle: 'Déconnexion', form });
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = render('logged-out.njk', { pageTitle: 'Vous êtes déconnecté' });
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
      policy: identityPickedAtEveryAuthorization(),
    },
    routes: {
      authorization: `${PROTOCOL_PATH}/authorize`,
      token: `${PROTOCOL_PATH}/token`,
      userinfo: `${PROTOCOL_PATH}/userinfo`,
      jwks: `${PROTOCOL_PATH}/jwks`,
      end_session: `${PROTOCOL_PATH}/session/end`,
    },
    cookies: { keys: options.cookieKeys },
    ttl: {
      Interaction: 5 * 60,
      AuthorizationCode: 60,
      AccessToken: 60,
      IdToken: 10 * 60,
      Session: 30 * 60,
      Grant: 30 * 60,
    },
    discovery: {
      service_documentation: `${options.issuer}/aide`,
      ui_locales_supported: ['fr'],
    },
    renderError: errorPage(render),
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = false;
  return provider;
}
