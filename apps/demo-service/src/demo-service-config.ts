import { randomBytes } from 'node:crypto';

/** The demo service's settings, read once from the environment (see README.md for each variable). */
export interface DemoServiceConfig {
  port: number;
  host: string;
  /**
   * Public base URL of the service (the callback is `<url>/callback`, the page after logout
   * `<url>/`). Without a value, `http://localhost:<the port actually listened on>`.
   */
  url?: string;
  /** Relais' OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Area code (e.g. `papers`) the service asks Relais to pre-select, through the `claims` parameter. */
  area?: string;
  /**
   * Plain-http issuer allowed (openid-client's `allowInsecureRequests`): only for an http issuer
   * outside production.
   */
  allowInsecureIssuer: boolean;
  /** Keys that sign the service's cookies; random at each start (sessions live in memory anyway). */
  cookieKeys: string[];
}

/** A setting the demo service cannot start with; the message names the variable, in French and English. */
export class DemoServiceConfigError extends Error {
  override readonly name = 'DemoServiceConfigError';
}

type Env = Record<string, string | undefined>;

const DEFAULT_PORT = '3200';
const DEFAULT_ISSUER = 'http://localhost:3000/oidc';
/** How to get a client_id and secret for this service from Relais. */
function registerCommand(url: string): string {
  return (
    'npm run cli -- public-service:register --name "Service public de démonstration" ' +
    `--redirect-uri ${url}/callback --post-logout-redirect-uri ${url}/ --areas papers,money`
  );
}

function fail(french: string, english: string): never {
  throw new DemoServiceConfigError(`${french} / ${english}`);
}

function port(env: Env): number {
  const raw = env.DEMO_SERVICE_PORT?.trim() || DEFAULT_PORT;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65_535) {
    fail(
      `DEMO_SERVICE_PORT doit être un numéro de port (0-65535), reçu « ${raw} ».`,
      `DEMO_SERVICE_PORT must be a port number (0-65535), got "${raw}".`,
    );
  }
  return value;
}

function httpUrl(name: string, raw: string): URL {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    fail(
      `${name} doit être une adresse http(s) sans paramètres, reçu « ${raw} ».`,
      `${name} must be an http(s) URL without query or fragment, got "${raw}".`,
    );
  }
  return url;
}

/** Without a trailing slash, so `${url}/callback` is the callback. */
function baseUrl(env: Env): string | undefined {
  const raw = env.DEMO_SERVICE_URL?.trim();
  if (!raw) return undefined;
  return httpUrl('DEMO_SERVICE_URL', raw).href.replace(/\/+$/, '');
}

function issuer(env: Env, production: boolean): string {
  const raw = env.DEMO_SERVICE_ISSUER?.trim() || DEFAULT_ISSUER;
  const url = httpUrl('DEMO_SERVICE_ISSUER', raw);
  if (production && url.protocol !== 'https:') {
    fail(
      `DEMO_SERVICE_ISSUER doit être en https quand NODE_ENV=production, reçu « ${raw} ».`,
      `DEMO_SERVICE_ISSUER must use https when NODE_ENV=production, got "${raw}".`,
    );
  }
  // Relais' issuer has a path (/oidc): keep it as given, without a trailing slash.
  return url.href.replace(/\/+$/, '');
}

function required(env: Env, name: string, url: string, what: { fr: string; en: string }): string {
  const value = env[name]?.trim();
  if (!value) {
    fail(
      `${name} manque : ${what.fr}. Enregistrez le service dans Relais (${registerCommand(url)}) et reprenez les valeurs affichées.`,
      `${name} is missing: ${what.en}. Register the service in Relais (same command) and use the values it prints.`,
    );
  }
  return value;
}

function area(env: Env): string | undefined {
  const raw = env.DEMO_SERVICE_AREA?.trim();
  if (!raw) return undefined;
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(raw)) {
    fail(
      `DEMO_SERVICE_AREA doit être un code de démarche (par exemple papers ou money), reçu « ${raw} ».`,
      `DEMO_SERVICE_AREA must be a procedure area code (e.g. papers or money), got "${raw}".`,
    );
  }
  return raw;
}

/** Reads the demo service's settings; throws a DemoServiceConfigError naming the first bad variable. */
export function loadDemoServiceConfig(env: Env = process.env): DemoServiceConfig {
  const production = env.NODE_ENV === 'production';
  const issuerUrl = issuer(env, production);
  const listenPort = port(env);
  const url = baseUrl(env);
  const shownUrl = url ?? `http://localhost:${listenPort || DEFAULT_PORT}`;
  return {
    port: listenPort,
    host: env.DEMO_SERVICE_HOST?.trim() || '127.0.0.1',
    url,
    issuer: issuerUrl,
    clientId: required(env, 'DEMO_SERVICE_CLIENT_ID', shownUrl, {
      fr: 'l’identifiant (client_id) que Relais a donné à ce service',
      en: 'the client_id Relais gave this service',
    }),
    clientSecret: required(env, 'DEMO_SERVICE_CLIENT_SECRET', shownUrl, {
      fr: 'le secret (client_secret) que Relais a donné à ce service',
      en: 'the client_secret Relais gave this service',
    }),
    area: area(env),
    allowInsecureIssuer: !production && issuerUrl.startsWith('http:'),
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
}
