import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** What the provider lies about; everything else is what FranceConnect would send. */
export interface Lies {
  /** The ID token's `aud`. */
  audience?: string;
  /** The ID token's `nonce`, instead of the one of the authorization request. */
  nonce?: string;
  /** The ID token's `acr`. */
  acr?: string;
  /** Sign the ID token with a key that is not in the JWKS (same kid). */
  idTokenSignedByStranger?: boolean;
  /** Sign the userinfo JWT with a key that is not in the JWKS (same kid). */
  userinfoSignedByStranger?: boolean;
}

export interface HostileProvider {
  issuer: string;
  /** The userinfo claims it sends when it does not lie. */
  readonly identity: Record<string, string>;
  /** The last ID token it issued, raw and decoded. */
  readonly lastIdToken: { raw: string; claims: { auth_time: number } };
  lie(lies: Lies): void;
  /** Answer the next `times` discovery requests with 503. */
  failDiscovery(times: number): void;
  close(): Promise<void>;
}

const KID = 'hostile-1';

const IDENTITY = {
  sub: `${'e'.repeat(64)}v1`,
  given_name: 'Éloïse',
  family_name: 'D’Aubigné Saint-Éloi',
  birthdate: '2001-09-08',
  gender: 'female',
  birthplace: '97101',
  birthcountry: '99100',
  email: 'eloise.daubigne@example.fr',
};

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * A small OpenID provider, FranceConnect-shaped (discovery, JWKS, authorize, token, signed
 * userinfo; ES256), that can be told to lie: a real provider cannot be made to send an ID token
 * for someone else or with another nonce, and the client must refuse such tokens.
 */
export async function startHostileProvider(clientId: string): Promise<HostileProvider> {
  const signing = await generateKeyPair('ES256', { extractable: true });
  const stranger = await generateKeyPair('ES256');
  const publicJwk: JWK = { ...(await exportJWK(signing.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  /** The nonce of each authorization request, by the code it gave. */
  const nonces = new Map<string, string>();
  const accessTokens = new Set<string>();
  let lies: Lies = {};
  let discoveryFailures = 0;
  let issuer = '';
  let lastIdToken = { raw: '', claims: { auth_time: 0 } };

  const sign = (claims: Record<string, unknown>, key: CryptoKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: KID })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>> = {
    'GET /.well-known/openid-configuration': async (_req, res) => {
      if (discoveryFailures > 0) {
        discoveryFailures -= 1;
        return send(res, 503, 'text/plain', 'unavailable');
      }
      send(
        res,
        200,
        'application/json',
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/api/v2/authorize`,
          token_endpoint: `${issuer}/api/v2/token`,
          userinfo_endpoint: `${issuer}/api/v2/userinfo`,
          jwks_uri: `${issuer}/api/v2/jwks`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['ES256'],
          userinfo_signing_alg_values_supported: ['ES256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          acr_values_supported: ['eidas1'],
          subject_types_supported: ['public'],
        }),
      );
    },
    'GET /api/v2/jwks': async (_req, res) => send(res, 200, 'application/json', JSON.stringify({ keys: [publicJwk] })),
    'GET /api/v2/authorize': async (_req, res, url) => {
      const code = randomBytes(16).toString('base64url');
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const callback = new URL(url.searchParams.get('redirect_uri')!);
      callback.searchParams.set('code', code);
      callback.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: callback.href });
      res.end();
    },
    'POST /api/v2/token': async (req, res) => {
      const code = (await readForm(req)).get('code') ?? '';
      const nonce = nonces.get(code);
      nonces.delete(code);
      if (nonce === undefined) return send(res, 400, 'application/json', JSON.stringify({ error: 'invalid_grant' }));
      const accessToken = randomBytes(16).toString('base64url');
      accessTokens.add(accessToken);
      const claims = {
        sub: IDENTITY.sub,
        aud: lies.audience ?? clientId,
        nonce: lies.nonce ?? nonce,
        acr: lies.acr ?? 'eidas1',
        auth_time: Math.floor(Date.now() / 1000) - 5,
      };
      const idToken = await sign(claims, lies.idTokenSignedByStranger ? stranger.privateKey : signing.privateKey);
      lastIdToken = { raw: idToken, claims };
      send(
        res,
        200,
        'application/json',
        JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 60, id_token: idToken }),
      );
    },
    'GET /api/v2/userinfo': async (req, res) => {
      const accessToken = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!accessTokens.has(accessToken)) return send(res, 401, 'application/json', '{"error":"invalid_token"}');
      const key = lies.userinfoSignedByStranger ? stranger.privateKey : signing.privateKey;
      send(res, 200, 'application/jwt', await sign({ ...IDENTITY, aud: clientId }, key));
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return send(res, 404, 'text/plain', 'not found');
    route(req, res, url).catch((error: Error) => send(res, 500, 'text/plain', error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    identity: IDENTITY,
    get lastIdToken() {
      return lastIdToken;
    },
    lie(next) {
      lies = next;
    },
    failDiscovery(times) {
      discoveryFailures = times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
