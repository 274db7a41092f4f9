/**
 * Target: delegated login, full flow (authorize → aide already logged in → pick → code → token →
 * userinfo) ≥ 150 flows/s on 2 cores, and at least half the throughput of a bare oidc-provider
 * doing the same code flow in the same run. Uses its own database (relais_bench_delegation,
 * dropped at the end) and Redis prefix. Usage: npm run bench:delegation [flows] [concurrency]
 */
import 'reflect-metadata';

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { InvitationsService, MembershipRole, TotpService } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { projectRoot } from '@relais/config';
import { dropDatabase } from '@relais/database';
import { ConsentChannel, ConsentService, MandateDuration, MandateRequests } from '@relais/mandates';
import { PublicServicesService } from '@relais/public-services';
import { SingleBar } from 'cli-progress';
import { Redis } from 'ioredis';
import { generateSync } from 'otplib';
import { DataSource } from 'typeorm';

import { createApi } from '../apps/api/src/create-api.js';
import { migrate } from '../apps/cli/src/commands/database.command.js';
import { BARE_CLIENT } from './bare-provider-client.js';

const FLOWS = Number(process.argv[2] ?? 3_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const CALLBACK = 'http://localhost:3200/callback';
const PASSWORD = 'Lampadaire-Violet-Sur-Colline-42';
const OPERATOR = { type: AuditActorType.Operator };

const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/relais');
url.pathname = '/relais_bench_delegation';
Object.assign(process.env, {
  DATABASE_URL: url.toString(),
  REDIS_PREFIX: 'relais-bench-delegation',
  LOG_LEVEL: 'silent',
  NODE_ENV: 'test',
});

/** Just enough of a browser: cookies by name, no redirect followed. */
class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async send(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(new URL(path, this.origin), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return response;
  }

  /** A copy sharing the cookies so far (the console session), then living its own life. */
  fork(origin = this.origin): Browser {
    const copy = new Browser(origin);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

const csrf = async (response: Response) => /name="_csrf" value="([^"]+)"/.exec(await response.text())![1];
const location = (response: Response) => {
  if (response.status !== 303 && response.status !== 302)
    throw new Error(`expected a redirect, got ${response.status}`);
  return response.headers.get('location')!;
};

/** One code flow as a public service runs it: authorize, (interaction), code, token, userinfo. */
async function codeFlow(
  browser: Browser,
  issuer: string,
  client: { id: string; secret: string },
  interact: (browser: Browser, interactionPath: string) => Promise<string>,
): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: client.id,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  });
  const interaction = location(await browser.send(`${new URL(issuer).pathname.replace(/\/$/, '')}/auth?${query}`));
  const resume = await interact(browser, interaction);
  const callback = new URL(location(await browser.send(new URL(resume, issuer).pathname)));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search}`);
  const token = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    }),
  });
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (userinfo.status !== 200) throw new Error(`userinfo answered ${userinfo.status}`);
  await userinfo.arrayBuffer();
}

/** Runs `flows` flows, `concurrency` at a time; returns flows per second. */
async function measure(label: string, flows: number, concurrency: number, flow: () => Promise<void>): Promise<number> {
  const bar = new SingleBar({ format: `${label.padEnd(16)} {bar} {value}/{total} flows` });
  bar.start(flows, 0);
  let started = 0;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < flows) {
        started += 1;
        await flow();
        bar.update((done += 1));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  bar.stop();
  return flows / seconds;
}

/** Starts a compiled script as a child process; resolves with the line it prints when ready. */
function spawnReady(script: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, line: chunk.toString().trim() }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilReady(origin: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${origin}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${origin} did not start`);
}

await dropDatabase(url.toString());
await migrate(url.toString());
const ports = [await freePort(), await freePort()];
const origins = ports.map((port) => `http://127.0.0.1:${port}`);
process.env.ISSUER = origins[0];
// Seeding in this process; the api then runs as two processes (one per core), like production.
const app: NestExpressApplication = await createApi();
const children: ChildProcess[] = [];
try {
  // One structure, one trained aide logged in, one citizen with a mandate, one public service.
  const db = app.get(DataSource);
  const [structure] = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ('73282932000074', 'Bench', '1 rue de la Paix', 'france_services', '{papers}') RETURNING id`,
  );
  const invitations = app.get(InvitationsService);
  const invited = await invitations.invite(
    { structureId: structure.id, email: 'bench@example.fr', role: MembershipRole.Aide },
    OPERATOR,
  );
  const secret = app.get(TotpService).newSecret();
  await invitations.activate(invited.link!.split('/invitation/')[1], PASSWORD, secret, generateSync({ secret }));
  await db.query('UPDATE memberships SET training_validated_at = now()');
  await db.query('UPDATE aides SET totp_last_step = NULL');
  const requests = app.get(MandateRequests);
  const { mandate } = await requests.request({
    structureId: structure.id,
    aideId: invited.aideId,
    areas: ['papers'],
    duration: MandateDuration.SixMonths,
    channel: ConsentChannel.SameDevice,
  });
  const identification = { acr: 'eidas1', authTime: new Date(), idTokenDigest: 'bench' };
  const citizen = await requests.identify(mandate.id, {
    ...identification,
    sub: 'bench-citizen',
    givenName: 'Jeanne',
    familyName: 'Martin',
    birthdate: '1970-01-01',
    gender: 'female',
    birthplace: null,
    birthcountry: '99100',
    preferredUsername: null,
    email: null,
  });
  const consents = app.get(ConsentService);
  const page = await consents.page(mandate.id, citizen.id);
  await consents.consent({
    mandateId: mandate.id,
    citizenId: citizen.id,
    textVersion: page.text.version,
    textDigest: page.textDigest,
    identification,
  });
  const { publicService, clientSecret } = await app
    .get(PublicServicesService)
    .register({ name: 'Bench', redirectUris: [CALLBACK], areas: ['papers'] }, OPERATOR);

  await app.close();
  const root = projectRoot();
  for (const port of ports) {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
        join(root, 'dist/apps/api/src/main.js'),
      ],
      {
        env: { ...process.env, PORT: String(port) },
        stdio: 'ignore',
      },
    );
    children.push(child);
  }
  await Promise.all(origins.map(waitUntilReady));
  const bare = await spawnReady(join(root, 'dist/bench/bare-provider.js'), [CALLBACK]);
  children.push(bare.child);
  const bareIssuer = bare.line.replace(/^ready /, '');

  const aide = new Browser(process.env.ISSUER);
  const login = await aide.send('/connexion');
  await aide.send('/connexion', { form: { _csrf: await csrf(login), email: 'bench@example.fr', password: PASSWORD } });
  const codePage = await aide.send('/connexion/code');
  await aide.send('/connexion/code', { form: { _csrf: await csrf(codePage), code: generateSync({ secret }) } });
  const token = await csrf(await aide.send('/espace'));

  const relaisClient = { id: publicService.clientId, secret: clientSecret };
  let turn = 0;
  // Round robin over the two api processes, as a load balancer would.
  const relaisFlow = () => {
    const origin = origins[(turn += 1) % 2];
    return codeFlow(aide.fork(origin), `${origin}/oidc`, relaisClient, async (browser, interaction) =>
      location(
        await browser.send(`${interaction}/confirmation`, {
          form: { _csrf: token, citoyen: citizen.id, demarche: 'papers' },
        }),
      ),
    );
  };
  const bareFlow = () =>
    codeFlow(new Browser(bareIssuer), bareIssuer, BARE_CLIENT, async (browser, interaction) =>
      location(await browser.send(interaction)),
    );

  await measure('warm-up', 100, CONCURRENCY, relaisFlow);
  await measure('warm-up (bare)', 100, CONCURRENCY, bareFlow);
  const relais = await measure('Relais', FLOWS, CONCURRENCY, relaisFlow);
  const baseline = await measure('bare provider', FLOWS, CONCURRENCY, bareFlow);
  console.log(`flows:           ${FLOWS}, ${CONCURRENCY} at a time`);
  console.log(`Relais:          ${relais.toFixed(0)} flows/s (target >= 150)`);
  console.log(`bare provider:   ${baseline.toFixed(0)} flows/s`);
  console.log(`ratio:           ${(relais / baseline).toFixed(2)} (target >= 0.50)`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await app.close().catch(() => undefined);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys('relais-bench-delegation*');
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await dropDatabase(url.toString());
}
