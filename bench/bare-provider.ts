/**
 * The baseline of bench/delegated-login.ts: a bare oidc-provider whose interaction finishes at
 * once, in a process of its own, doing the same code flow as Relais (PKCE S256, ID token signed
 * ES256, client_secret_basic, userinfo). Usage: bare-provider.js <redirect uri> [memory|redis]
 * [redis prefix]; with `redis` it stores its state with Relais' own RedisAdapter, so several
 * processes can share it and the cost of shared state shows on its own. The signing keys and the
 * cookie key come from BARE_JWKS / BARE_COOKIE_KEY (set by the bench, the same for every process).
 * With `guarded` it also keeps Relais' guarantees and nothing else of Relais (no Nest, no
 * Express, no console pages): the interaction reads the aide's console session from Redis and
 * opens the delegation with Relais' own journaled statement (DelegationOpener), the grant is the
 * delegation, every token use re-checks it (DelegatedAccounts), and the token endpoint reads the
 * failed-authentication counters first. BARE_GUARDED (JSON: the seeded aide, structure, citizen,
 * service and the session's Redis key) says whom it acts for. BARE_GUARANTEES (comma-separated,
 * default all: `session,opening,recheck,counters`) keeps only some of them, for the cost of each.
 * Prints "ready <issuer>" when listening.
 */
import 'reflect-metadata';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { connectionOptions } from '@relais/database';
import { clientAuthLimit, DelegatedAccounts, DelegationOpener, RedisAdapter } from '@relais/delegation';
import type { PublicService } from '@relais/public-services';
import type { ProcedureArea } from '@relais/structures';
import { Redis } from 'ioredis';
import Provider, { type Configuration } from 'oidc-provider';
import { DataSource } from 'typeorm';

import { entities } from '../database/data-source.js';
import { BARE_CLIENT } from './bare-provider-client.js';

const [redirectUri, storage = 'memory', prefix = 'relais-bench-bare'] = process.argv.slice(2);
const redis = storage === 'memory' ? undefined : new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
/** Relais' guarantees `guarded` keeps. */
const GUARANTEES = ['session', 'opening', 'recheck', 'counters'] as const;
const kept = new Set((process.env.BARE_GUARANTEES ?? GUARANTEES.join(',')).split(','));
const guarded = storage === 'guarded' ? await guarantees() : undefined;

/** What `guarded` keeps of Relais: the session read, the journaled opening, the re-check (the counters: below). */
async function guarantees() {
  const seed = JSON.parse(process.env.BARE_GUARDED!) as {
    aideId: string;
    structureId: string;
    citizenId: string;
    clientId: string;
    sessionKey: string;
  };
  // The api's pool size (DATABASE_POOL_SIZE's default).
  const dataSource = await new DataSource({ ...connectionOptions(process.env.DATABASE_URL!), entities }).initialize();
  const [service] = (await dataSource.query(
    'SELECT id, client_id AS "clientId", active, areas FROM public_services WHERE client_id = $1',
    [seed.clientId],
  )) as PublicService[];
  // open() journals through its own statement; the recorder is for early refusals only.
  const opener = new DelegationOpener(dataSource, undefined as never);
  const accounts = new DelegatedAccounts(dataSource);
  const actor = { aideId: seed.aideId, structureId: seed.structureId };
  const choice = { citizenId: seed.citizenId, area: 'papers' as ProcedureArea };
  const openOne = async () => (await opener.open(actor, service, choice, ['pwd', 'otp'])).id;
  // Re-checked without the opening: every token re-checks one delegation opened here.
  const opened = kept.has('opening') ? undefined : await openOne();
  return {
    /** The console session read and checked, then the delegation opened and journaled: its id. */
    open: async () => {
      if (kept.has('session')) {
        const session = JSON.parse((await redis!.get(seed.sessionKey)) ?? '{}') as { aideId?: string };
        if (session.aideId !== seed.aideId) throw new Error('no console session');
      }
      return opened ? undefined : openOne();
    },
    /** Usability re-checked at the token use. */
    usable: async (grantId: string) =>
      !kept.has('recheck') || (await accounts.account(opened ?? grantId, seed.clientId)) !== null,
  };
}

// Idle connections kept as long as the api keeps them (create-api.ts).
const server = createServer({ keepAliveTimeout: 65_000 });
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
  findAccount: async (_ctx, id, token) => {
    if (guarded && token?.grantId && !(await guarded.usable(token.grantId))) return undefined;
    return account(id);
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
};
function account(id: string) {
  return {
    accountId: id,
    claims: async () => ({
      sub: id,
      act: { sub: 'aide', given_name: 'Camille', family_name: 'Durand', siret: '73282932000074', name: 'Bench' },
      mandate_id: '0193a3b0-0000-7000-8000-000000000000',
      procedure_area: 'papers',
    }),
  };
}
const provider = new Provider(issuer, configuration);
// Relais' own limit of failed client authentications (its counters read before the secret is checked).
if (guarded && kept.has('counters'))
  provider.use(clientAuthLimit({ redis: redis!, prefix: `${prefix}:oidc:`, onFailure: async () => undefined }));
const callback = provider.callback();
server.on('request', async (req, res) => {
  if (!req.url?.startsWith('/interaction/')) return callback(req, res);
  await provider.interactionDetails(req, res);
  const jti = guarded ? await guarded.open() : undefined;
  const grant = new provider.Grant({ jti, accountId: 'citizen', clientId: BARE_CLIENT.id } as ConstructorParameters<
    Provider['Grant']
  >[0]);
  grant.addOIDCScope('openid');
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: 'citizen', amr: ['pwd', 'otp'], acr: 'eidas1' }, consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: false },
  );
});
console.log(`ready ${issuer}`);
