import { randomBytes } from 'node:crypto';

import type { ClientMetadata, JWKS } from 'oidc-provider';

/** The sandbox's settings, read once from the environment (see README.md for each variable). */
export interface SandboxConfig {
  port: number;
  host: string;
  /** Without a value, `http://localhost:<the port actually listened on>`. */
  issuer?: string;
  clients: ClientMetadata[];
  /** Private signing keys; without them an ES256 key is generated at start. */
  jwks?: JWKS;
  cookieKeys: string[];
}

/** A setting the sandbox cannot start with; the message names the variable. */
export class SandboxConfigError extends Error {
  override readonly name = 'SandboxConfigError';
}

/** The relying party Relais registers locally (its FranceConnect client). */
export const RELAIS_LOCAL_CLIENT: ClientMetadata = {
  client_id: 'relais-local',
  client_secret: 'relais-local-secret',
  client_name: 'Relais (local)',
  redirect_uris: [
    'http://localhost:3000/franceconnect/callback',
    'http://127.0.0.1:3000/franceconnect/callback',
    'http://localhost:3000/usager/connexion/retour',
    'http://127.0.0.1:3000/usager/connexion/retour',
  ],
  post_logout_redirect_uris: [
    'http://localhost:3000/',
    'http://127.0.0.1:3000/',
    'http://localhost:3000/usager/au-revoir',
    'http://127.0.0.1:3000/usager/au-revoir',
  ],
};

/** What FranceConnect registers for every service: code flow, ES256 signatures, secret in the body. */
export const FRANCE_CONNECT_CLIENT_DEFAULTS: Partial<ClientMetadata> = {
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: 'ES256',
  userinfo_signed_response_alg: 'ES256',
};

type Env = Record<string, string | undefined>;

function port(env: Env): number {
  const raw = env.SANDBOX_PORT?.trim() || '3100';
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65_535) {
    throw new SandboxConfigError(`SANDBOX_PORT must be a port number (0-65535), got "${raw}".`);
  }
  return value;
}

function issuer(env: Env): string | undefined {
  const raw = env.SANDBOX_ISSUER?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SandboxConfigError(`SANDBOX_ISSUER must be a URL, got "${raw}".`);
  }
  // The provider is mounted at the root of the sandbox's origin.
  if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
    throw new SandboxConfigError(`SANDBOX_ISSUER must be an http(s) origin without a path, got "${raw}".`);
  }
  return url.origin;
}

function json(env: Env, name: string): unknown {
  try {
    return JSON.parse(env[name]!);
  } catch {
    throw new SandboxConfigError(`${name} must be valid JSON.`);
  }
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function clients(env: Env): ClientMetadata[] {
  let configured: ClientMetadata[] = [RELAIS_LOCAL_CLIENT];
  if (env.SANDBOX_CLIENTS?.trim()) {
    const parsed = json(env, 'SANDBOX_CLIENTS');
    const valid =
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every(
        (client) =>
          typeof client?.client_id === 'string' &&
          Array.isArray(client.redirect_uris) &&
          client.redirect_uris.every((uri: unknown) => typeof uri === 'string'),
      );
    if (!valid) {
      throw new SandboxConfigError(
        'SANDBOX_CLIENTS must be a JSON array of client metadata, each with a client_id and redirect_uris.',
      );
    }
    configured = parsed as ClientMetadata[];
  }
  const extraRedirectUris = list(env, 'SANDBOX_EXTRA_REDIRECT_URIS');
  for (const uri of extraRedirectUris) {
    if (!URL.canParse(uri)) throw new SandboxConfigError(`SANDBOX_EXTRA_REDIRECT_URIS: "${uri}" is not a URL.`);
  }
  const extraLogoutUris = list(env, 'SANDBOX_EXTRA_POST_LOGOUT_REDIRECT_URIS');
  for (const uri of extraLogoutUris) {
    if (!URL.canParse(uri)) {
      throw new SandboxConfigError(`SANDBOX_EXTRA_POST_LOGOUT_REDIRECT_URIS: "${uri}" is not a URL.`);
    }
  }
  return configured.map((client) => ({
    ...FRANCE_CONNECT_CLIENT_DEFAULTS,
    ...client,
    redirect_uris: [...new Set([...(client.redirect_uris ?? []), ...extraRedirectUris])],
    post_logout_redirect_uris: [...new Set([...(client.post_logout_redirect_uris ?? []), ...extraLogoutUris])],
  }));
}

function jwks(env: Env): JWKS | undefined {
  if (!env.SANDBOX_JWKS?.trim()) return undefined;
  const parsed = json(env, 'SANDBOX_JWKS') as JWKS;
  if (!Array.isArray(parsed?.keys) || parsed.keys.length === 0 || parsed.keys.some((key) => !key.d)) {
    throw new SandboxConfigError('SANDBOX_JWKS must be a JWK Set of private keys ({"keys": [...]}, each with "d").');
  }
  return parsed;
}

/** Reads the sandbox's settings; throws a SandboxConfigError naming the first bad variable. */
export function loadSandboxConfig(env: Env = process.env): SandboxConfig {
  const cookieKeys = list(env, 'SANDBOX_COOKIE_KEYS');
  return {
    port: port(env),
    host: env.SANDBOX_HOST?.trim() || '127.0.0.1',
    issuer: issuer(env),
    clients: clients(env),
    jwks: jwks(env),
    // Random keys: cookies of a previous run become unreadable, which a dev stand-in can afford.
    cookieKeys: cookieKeys.length > 0 ? cookieKeys : [randomBytes(32).toString('base64url')],
  };
}
