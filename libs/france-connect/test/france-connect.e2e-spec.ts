import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { CitizenUserAgent, startTestIdentitySandbox, type TestIdentitySandbox } from '@relais/testing';

import { FranceConnectModule } from '../src/france-connect.module.js';
import type { FranceConnectTransaction } from '../src/interfaces/france-connect-transaction.interface.js';
import { FranceConnectClient } from '../src/services/france-connect-client.service.js';
import { type HostileProvider, startHostileProvider } from './hostile-provider.js';

/** Relais's public base URL here. Nothing listens there: the citizen's user agent stops at the redirect. */
const RELAIS = 'http://relais.localhost:3999';
const CALLBACK = `${RELAIS}/franceconnect/callback`;

/** Keeps the warnings, to check what a failure logs and what it does not. */
class WarningRecorder implements LoggerService {
  readonly warnings: unknown[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(message);
  }
}

const logger = new WarningRecorder();
const modules: TestingModule[] = [];

/** A Nest context with Relais's config read from these variables, as the api would build it. */
async function franceConnectClient(issuer: string, env: Record<string, string> = {}): Promise<FranceConnectClient> {
  const settings: Record<string, string> = {
    ISSUER: RELAIS,
    FRANCECONNECT_ISSUER: issuer,
    FRANCECONNECT_CLIENT_ID: 'relais-local',
    FRANCECONNECT_CLIENT_SECRET: 'relais-local-secret',
    FRANCECONNECT_ACR: 'eidas1',
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
  Object.assign(process.env, settings);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [RelaisConfigModule, FranceConnectModule] })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    modules.push(moduleRef);
    return moduleRef.get(FranceConnectClient);
  } finally {
    // The config is read when the module compiles; later contexts start from the suite's own env.
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function failureOf(attempt: Promise<unknown>): Promise<DomainException> {
  const error = await attempt.then(
    () => {
      throw new Error('expected the login to fail');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainException);
  return error as DomainException;
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sandbox's stable subject for a test identity (see apps/identity-sandbox/README.md). */
function sandboxSub(key: string): string {
  return `${createHash('sha256').update(`relais-identity-sandbox:${key}`).digest('hex')}v1`;
}

beforeEach(() => {
  logger.warnings.length = 0;
});

afterAll(async () => {
  await Promise.all(modules.map((moduleRef) => moduleRef.close()));
});

describe('FranceConnectClient with the identity sandbox (FranceConnect stand-in)', () => {
  let sandbox: TestIdentitySandbox;
  let franceConnect: FranceConnectClient;

  /** Relais sends the citizen to FranceConnect; they pick `identity` (or cancel); back at Relais's callback. */
  async function login(identity: string | null): Promise<{ callback: URL; transaction: FranceConnectTransaction }> {
    const { url, transaction } = await franceConnect.authorizationRequest();
    const callback = await new CitizenUserAgent(new URL(sandbox.issuer).origin).authorize(url, identity);
    return { callback, transaction };
  }

  beforeAll(async () => {
    sandbox = await startTestIdentitySandbox({ redirectUris: [CALLBACK] });
    franceConnect = await franceConnectClient(sandbox.issuer);
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('given a citizen starting a login, when Relais builds the request, then it asks for the identité pivot at eidas1 with PKCE S256, a state and a nonce', async () => {
    const { url, transaction } = await franceConnect.authorizationRequest();

    expect(url.origin + url.pathname).toBe(`${sandbox.issuer}/api/v2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'relais-local',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid identite_pivot email preferred_username',
      acr_values: 'eidas1',
      code_challenge: createHash('sha256').update(transaction.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    expect(JSON.parse(JSON.stringify(transaction))).toEqual(transaction);
    expect(Object.keys(transaction).sort()).toEqual(['codeVerifier', 'nonce', 'state']);
  });

  it('given Marie-Thérèse (accented compound names), when she logs in, then Relais gets her verified FranceConnect identity', async () => {
    const { callback, transaction } = await login('marie-therese');

    const identity = await franceConnect.identify(callback, transaction);

    expect(identity).toEqual({
      sub: sandboxSub('marie-therese'),
      givenName: 'Marie-Thérèse Hélène',
      familyName: 'Lefèvre-Ndiaye',
      birthdate: '1948-03-17',
      gender: 'female',
      birthplace: '75112',
      birthcountry: '99100',
      preferredUsername: null,
      email: 'marie-therese.lefevre-ndiaye@example.fr',
      acr: 'eidas1',
      // oidc-provider (the sandbox) puts no auth_time in an ID token unless asked to.
      authTime: null,
      idTokenDigest: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(logger.warnings).toEqual([]);
  });

  it('given Youssef (born in Morocco), when he logs in, then his birthplace is null and his birth country Morocco', async () => {
    const { callback, transaction } = await login('youssef');

    const identity = await franceConnect.identify(callback, transaction);

    expect(identity).toMatchObject({ familyName: 'El Amrani', birthplace: null, birthcountry: '99350' });
  });

  it('given Jeanne (usage name Dupont), when she logs in, then preferredUsername is her usage name and familyName her birth name', async () => {
    const { callback, transaction } = await login('jeanne');

    const identity = await franceConnect.identify(callback, transaction);

    expect(identity).toMatchObject({ familyName: 'Martin', preferredUsername: 'Dupont' });
  });

  it('given a citizen who cancels at FranceConnect, when they come back, then Relais says the login was cancelled', async () => {
    const { callback, transaction } = await login(null);

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectCancelled);
    expect(error.status).toBe(400);
    expect(error.userMessage).toContain('Vous avez annulé la connexion avec FranceConnect');
    expect(logger.warnings).toEqual([]);
  });

  it('given a callback already used, when it is replayed, then FranceConnect refuses the code and the login fails', async () => {
    const { callback, transaction } = await login('marie-therese');
    await franceConnect.identify(callback, transaction);

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(error.status).toBe(502);
    expect(logger.warnings).toEqual([
      { err: { type: 'ResponseBodyError', code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_grant' } },
    ]);
  });

  it('given a callback whose state is not the one of the session, when it arrives, then the login fails before any code exchange', async () => {
    const { callback, transaction } = await login('marie-therese');
    const other = await franceConnect.authorizationRequest();

    const error = await failureOf(franceConnect.identify(callback, { ...transaction, state: other.transaction.state }));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([{ err: expect.objectContaining({ type: 'ClientError' }) }]);
    // The code was not spent: the right transaction still completes the login.
    await expect(franceConnect.identify(callback, transaction)).resolves.toMatchObject({
      familyName: 'Lefèvre-Ndiaye',
    });
  });

  it('given an ID token whose nonce is not the one of the session, when Relais checks it, then the login fails and the warning names the claim only', async () => {
    const { callback, transaction } = await login('marie-therese');
    const other = await franceConnect.authorizationRequest();

    const error = await failureOf(franceConnect.identify(callback, { ...transaction, nonce: other.transaction.nonce }));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([
      { err: { type: 'ClientError', code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim: 'nonce' } },
    ]);
    const logged = JSON.stringify(logger.warnings);
    for (const secret of [transaction.nonce, other.transaction.nonce, callback.searchParams.get('code')!, 'Lefèvre']) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('FranceConnectClient with a provider that lies', () => {
  let hostile: HostileProvider;
  let franceConnect: FranceConnectClient;

  /** The hostile provider redirects straight back to Relais's callback, without a login page. */
  async function login(): Promise<{ callback: URL; transaction: FranceConnectTransaction }> {
    const { url, transaction } = await franceConnect.authorizationRequest();
    const response = await fetch(url, { redirect: 'manual' });
    return { callback: new URL(response.headers.get('location')!), transaction };
  }

  beforeAll(async () => {
    hostile = await startHostileProvider('relais-local');
    franceConnect = await franceConnectClient(hostile.issuer);
  });

  beforeEach(() => {
    hostile.lie({});
  });

  afterAll(async () => {
    await hostile?.close();
  });

  it('given the provider telling the truth, when a citizen logs in, then Relais accepts the identity (the fixture is sound)', async () => {
    const { callback, transaction } = await login();

    const identity = await franceConnect.identify(callback, transaction);

    expect(identity).toEqual({
      sub: hostile.identity.sub,
      givenName: 'Éloïse',
      familyName: 'D’Aubigné Saint-Éloi',
      birthdate: '2001-09-08',
      gender: 'female',
      birthplace: '97101',
      birthcountry: '99100',
      preferredUsername: null,
      email: 'eloise.daubigne@example.fr',
      acr: 'eidas1',
      authTime: new Date(hostile.lastIdToken.claims.auth_time * 1000),
      idTokenDigest: createHash('sha256').update(hostile.lastIdToken.raw).digest('base64url'),
    });
  });

  it('given an ID token issued to another client (wrong audience), when Relais checks it, then the login fails', async () => {
    hostile.lie({ audience: 'someone-else' });
    const { callback, transaction } = await login();

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([
      { err: { type: 'ClientError', code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim: 'aud' } },
    ]);
  });

  it('given an ID token carrying another nonce than the one Relais sent, when Relais checks it, then the login fails', async () => {
    hostile.lie({ nonce: 'a-nonce-from-another-login' });
    const { callback, transaction } = await login();

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([
      { err: { type: 'ClientError', code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim: 'nonce' } },
    ]);
  });

  it('given an ID token with another level of assurance than eidas1, when Relais checks it, then the login fails', async () => {
    hostile.lie({ acr: 'eidas0' });
    const { callback, transaction } = await login();

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([
      { err: { type: 'UnexpectedFranceConnectResponseError', code: 'unexpected_acr', claim: 'acr' } },
    ]);
  });

  it('given an ID token signed with a key not in the provider JWKS, when Relais checks it, then the login fails', async () => {
    hostile.lie({ idTokenSignedByStranger: true });
    const { callback, transaction } = await login();

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([{ err: { type: 'ClientError', code: 'OAUTH_INVALID_RESPONSE' } }]);
  });

  it('given a userinfo JWT signed with a key not in the provider JWKS, when Relais reads it, then the login fails', async () => {
    hostile.lie({ userinfoSignedByStranger: true });
    const { callback, transaction } = await login();

    const error = await failureOf(franceConnect.identify(callback, transaction));

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([{ err: { type: 'ClientError', code: 'OAUTH_INVALID_RESPONSE' } }]);
  });
});

describe('FranceConnectClient discovery', () => {
  let hostile: HostileProvider;

  beforeAll(async () => {
    hostile = await startHostileProvider('relais-local');
  });

  afterAll(async () => {
    await hostile?.close();
  });

  it('given FranceConnect unreachable, when Relais starts, then it starts, and a login fails with a warning naming the network error', async () => {
    const franceConnect = await franceConnectClient(`http://127.0.0.1:${await closedPort()}`);

    const error = await failureOf(franceConnect.authorizationRequest());

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([{ err: expect.objectContaining({ code: 'ECONNREFUSED' }) }]);
  });

  it('given a discovery that failed, when the next citizen logs in, then Relais discovers again and the login starts', async () => {
    hostile.failDiscovery(1);
    const franceConnect = await franceConnectClient(hostile.issuer);
    await failureOf(franceConnect.authorizationRequest());

    const { url } = await franceConnect.authorizationRequest();

    expect(url.href.startsWith(`${hostile.issuer}/api/v2/authorize?`)).toBe(true);
  });

  it('given a discovery that succeeded, when the discovery document becomes unavailable, then logins go on with the cached one', async () => {
    const franceConnect = await franceConnectClient(hostile.issuer);
    await franceConnect.authorizationRequest();
    hostile.failDiscovery(5);

    const { url } = await franceConnect.authorizationRequest();

    expect(url.href.startsWith(`${hostile.issuer}/api/v2/authorize?`)).toBe(true);
    hostile.failDiscovery(0);
  });

  it('given production and an http issuer, when a citizen logs in, then openid-client refuses plain http and the login fails', async () => {
    const franceConnect = await franceConnectClient(hostile.issuer, {
      NODE_ENV: 'production',
      SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
      FRANCECONNECT_CLIENT_SECRET: 'not-the-sandbox-secret',
    });

    const error = await failureOf(franceConnect.authorizationRequest());

    expect(error.code).toBe(ErrorCode.FranceConnectFailed);
    expect(logger.warnings).toEqual([{ err: { type: 'ClientError', code: 'OAUTH_HTTP_REQUEST_FORBIDDEN' } }]);
  });
});
