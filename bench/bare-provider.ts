/**
 * The baseline of bench/delegated-login.ts: a bare oidc-provider whose interaction finishes at
 * once, in a process of its own, doing the same code flow as Relais (PKCE S256, ID token signed
 * ES256, client_secret_basic, userinfo). Usage: bare-provider.js <redirect uri> [memory|redis]
 * [redis prefix]; with `redis` it stores its state with Relais' own RedisAdapter, so several
 * processes can share it and the cost of shared state shows on its own. The signing keys and the
 * cookie key come from BARE_JWKS / BARE_COOKIE_KEY (set by the bench, the same for every process).
 * Prints "ready <issuer>" when listening.
 */
import 'reflect-metadata';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { RedisAdapter } from '@relais/delegation';
import { Redis } from 'ioredis';
import Provider, { type Configuration } from 'oidc-provider';

import { BARE_CLIENT } from './bare-provider-client.js';

const [redirectUri, storage = 'memory', prefix = 'relais-bench-bare'] = process.argv.slice(2);
const redis = storage === 'redis' ? new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined;

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const configuration: Configuration = {
  clients: [
    {
      client_id: BARE_CLIENT.id,
      client_secret: BARE_CLIENT.secret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  ...(redis ? { adapter: (name: string) => new RedisAdapter(redis, name, `${prefix}:oidc:`) } : {}),
  jwks: JSON.parse(process.env.BARE_JWKS!) as Configuration['jwks'],
  cookies: {
    keys: [process.env.BARE_COOKIE_KEY!],
    long: { signed: true, httpOnly: true, sameSite: 'lax' },
    short: { signed: true, httpOnly: true, sameSite: 'lax' },
  },
  // The same claims as Relais' ID token (sizes alike), from memory.
  claims: { openid: ['sub', 'act', 'mandate_id', 'procedure_area'] },
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  pkce: { required: () => true },
  enabledJWA: { idTokenSigningAlgValues: ['ES256', 'RS256'], userinfoSigningAlgValues: ['ES256', 'RS256'] },
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true }, revocation: { enabled: true } },
  ttl: { Interaction: 300, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      act: { sub: 'aide', given_name: 'Camille', family_name: 'Durand', siret: '73282932000074', name: 'Bench' },
      mandate_id: '0193a3b0-0000-7000-8000-000000000000',
      procedure_area: 'papers',
    }),
  }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
};
const provider = new Provider(issuer, configuration);
const callback = provider.callback();
server.on('request', async (req, res) => {
  if (!req.url?.startsWith('/interaction/')) return callback(req, res);
  await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: 'citizen', clientId: BARE_CLIENT.id });
  grant.addOIDCScope('openid');
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: 'citizen', amr: ['pwd', 'otp'], acr: 'eidas1' }, consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: false },
  );
});
console.log(`ready ${issuer}`);
