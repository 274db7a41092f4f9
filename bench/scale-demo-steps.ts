/**
 * The steps of bench/scale-demo.ts, each against two api processes and two workers behind nginx.
 * Each returns the line to print after PASS, or throws what failed.
 */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';

import { generateSync } from 'otplib';
import type pg from 'pg';
import { chromium } from 'playwright-core';

import { Browser, codeFlow, csrf, location, measure, type Measured, snapshot, type Timings } from './code-flow.js';
import { BENCH_AIDE_EMAIL, BENCH_PASSWORD, type DelegationSeed } from './delegation-seed.js';
import { cookiesOf, failedTokenRequests, requestFrom, type RunningNginx, stopChild } from './scale-out.js';

export interface Scene {
  nginx: RunningNginx;
  apiPorts: number[];
  /** The api processes, with the bench's IPC channel (bench/io-counter.ts). */
  apis: ChildProcess[];
  workers: Array<{ name: string; child: ChildProcess }>;
  db: pg.Client;
  seed: DelegationSeed;
  demoServiceUrl: string;
}

const load = () => loadavg()[0].toFixed(1);
const directOrigin = (scene: Scene, index: number) => `http://127.0.0.1:${scene.apiPorts[index]}`;
/** The api process (1 or 2) an upstream address names. */
const processOf = (scene: Scene, upstream: string) =>
  scene.apiPorts.findIndex((port) => upstream.endsWith(`:${port}`)) + 1;

/** Logs the bench aide in (password, then TOTP) through `origin`; the browser keeps the session. */
export async function logInAide(scene: Scene, origin: string): Promise<Browser> {
  const browser = new Browser(origin);
  const login = await browser.send('/connexion');
  location(
    await browser.send('/connexion', {
      form: { _csrf: await csrf(login), email: BENCH_AIDE_EMAIL, password: BENCH_PASSWORD },
    }),
  );
  // A TOTP code is accepted once per 30 s step: forget the last one, as if the step had passed.
  await scene.db.query('UPDATE aides SET totp_last_step = NULL WHERE id = $1', [scene.seed.aideId]);
  const codePage = await browser.send('/connexion/code');
  const code = generateSync({ secret: scene.seed.secret });
  const done = await browser.send('/connexion/code', { form: { _csrf: await csrf(codePage), code } });
  if (location(done) !== '/espace') throw new Error(`login ended at ${location(done)}`);
  return browser;
}

/** (a) The delegated-login bench through nginx at one api process, then at two, twice each, interleaved. */
export async function benchThroughNginx(scene: Scene, flows: number, concurrency: number): Promise<string> {
  const aide = await logInAide(scene, scene.nginx.origin);
  const token = await csrf(await aide.send('/espace'));
  const flowThrough = (origin: string) => (timings: Timings) =>
    codeFlow(timings, aide.fork(origin), `${origin}/oidc`, scene.seed.client, async (browser, interaction) =>
      location(
        await browser.send(`${interaction}/confirmation`, {
          form: { _csrf: token, citoyen: scene.seed.citizenId, demarche: 'papers' },
        }),
      ),
    );
  const one = flowThrough(scene.nginx.firstOnlyOrigin);
  const two = flowThrough(scene.nginx.origin);
  await measure('warm-up', 100, concurrency, two);
  const runs: Array<
    Measured & { processes: number; cpuMsPerFlow: number; sqlPerFlow: number; redisTripsPerFlow: number }
  > = [];
  for (const [processes, flow] of [
    [1, one],
    [2, two],
    [1, one],
    [2, two],
  ] as const) {
    const before = await Promise.all(scene.apis.map(snapshot));
    const run = await measure(`${processes} api process${processes > 1 ? 'es' : ''}`, flows, concurrency, flow);
    const after = await Promise.all(scene.apis.map(snapshot));
    const cpu = after.reduce((sum, taken, index) => sum + taken.cpuMicros - before[index].cpuMicros, 0);
    const total = (of: 'sql' | 'redisTrips') =>
      after.reduce(
        (sum, taken, index) =>
          sum +
          Object.entries(taken.endpoints).reduce(
            (inner, [endpoint, counts]) => inner + counts[of] - (before[index].endpoints[endpoint]?.[of] ?? 0),
            0,
          ),
        0,
      );
    runs.push({
      ...run,
      processes,
      cpuMsPerFlow: cpu / 1000 / flows,
      sqlPerFlow: total('sql') / flows,
      redisTripsPerFlow: total('redisTrips') / flows,
    });
  }
  const lines = runs.map(
    (run) =>
      `    ${run.processes} api process${run.processes > 1 ? 'es' : ' '}: ${run.flowsPerSecond.toFixed(0).padStart(4)} flows/s, ` +
      `${run.cpuMsPerFlow.toFixed(2)} ms of api CPU, ${run.sqlPerFlow.toFixed(1)} SQL, ${run.redisTripsPerFlow.toFixed(1)} Redis round trips per flow (load average ${run.load.map((l) => l.toFixed(1)).join(' → ')})`,
  );
  const best = (processes: number) =>
    Math.max(...runs.filter((run) => run.processes === processes).map((run) => run.flowsPerSecond));
  return (
    `delegated-login bench through nginx, ${flows} flows at ${concurrency} concurrent: ` +
    `${best(1).toFixed(0)} flows/s at 1 api process, ${best(2).toFixed(0)} at 2 (best of two runs, ratio ${(best(2) / best(1)).toFixed(2)})\n` +
    lines.join('\n')
  );
}

/** (b) Login → create mandate → FranceConnect consent → delegated login, in Chromium through nginx. */
export async function browserJourney(scene: Scene): Promise<string> {
  const mark = scene.nginx.mark();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    page.setDefaultTimeout(20_000);
    const tick = (label: string | RegExp) => page.locator('label', { hasText: label }).first().click();
    await page.goto(`${scene.nginx.origin}/connexion`);
    await page.getByLabel('Adresse électronique').fill(BENCH_AIDE_EMAIL);
    await page.getByLabel('Mot de passe').fill(BENCH_PASSWORD);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(/\/connexion\/code$/);
    await scene.db.query('UPDATE aides SET totp_last_step = NULL WHERE id = $1', [scene.seed.aideId]);
    await page.getByLabel(/Code à 6 chiffres/).fill(generateSync({ secret: scene.seed.secret }));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/espace$/);

    await page.goto(`${scene.nginx.origin}/mandats/nouveau`);
    await tick('Papiers et citoyenneté');
    await tick('6 mois');
    await tick(/Ici, sur cet appareil/);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(/\/identification$/);
    await page.getByRole('link', { name: /S’identifier avec FranceConnect/ }).click();
    await page.getByRole('button', { name: /Choisir Marie-Thérèse/ }).click();
    await page.waitForURL(/\/consentement$/);
    await page.getByRole('button', { name: 'Oui, je suis d’accord' }).click();
    const done = await page.locator('h1').textContent();
    if (done !== 'C’est fait : votre accord est enregistré') throw new Error(`after consent: "${done}"`);

    await page.goto(`${scene.demoServiceUrl}/`);
    await page.getByRole('link', { name: 'Se connecter avec Relais' }).click();
    await page.waitForURL(/\/delegation\/[\w-]+$/);
    await page.getByRole('link', { name: 'Marie-Thérèse Hélène Lefèvre-Ndiaye' }).click();
    await page.getByRole('button', { name: 'Confirmer et me connecter' }).click();
    await page.waitForURL((url) => url.href.startsWith(scene.demoServiceUrl));
    const landed = await page.locator('h1').textContent();
    if (landed !== 'Vous êtes connecté') throw new Error(`the demo service shows "${landed}"`);
    if (!(await page.locator('main').textContent())?.includes('Lefèvre-Ndiaye'))
      throw new Error('the demo service did not receive the citizen');
  } finally {
    await browser.close();
  }
  const requests = await scene.nginx.requests(mark);
  const served = [1, 2].map(
    (index) => requests.filter((request) => processOf(scene, request.upstream) === index).length,
  );
  if (served.some((count) => count === 0)) throw new Error(`requests per api process: ${served.join(' and ')}`);
  return `browser journey (login, mandate, FranceConnect consent, delegated login) through nginx: ${requests.length} requests, ${served[0]} served by api 1 and ${served[1]} by api 2`;
}

/** (c) A CSV export requested on api 1, followed and downloaded on api 2 (the session and the file are shared). */
export async function exportAcrossProcesses(scene: Scene): Promise<string> {
  const day = (offset: number) =>
    new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const first = await logInAide(scene, directOrigin(scene, 0));
  const form = await first.send(`/rapports?du=${day(-1)}&au=${day(1)}`);
  const page = location(
    await first.send('/rapports', { form: { _csrf: await csrf(form), du: day(-1), au: day(1), format: 'csv' } }),
  );
  const second = first.fork(directOrigin(scene, 1));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const progress = await second.send(page);
    if (progress.status !== 200) throw new Error(`progress page on api 2 answered ${progress.status}`);
    if ((await progress.text()).includes('Le rapport est prêt')) break;
    if (Date.now() > deadline) throw new Error('the export did not finish within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const file = await second.send(`${page}/fichier`);
  const csv = await file.text();
  if (file.status !== 200 || !file.headers.get('content-type')?.startsWith('text/csv') || !csv.trim())
    throw new Error(`download on api 2: ${file.status} ${file.headers.get('content-type')}`);
  return `report export requested on api 1 (:${scene.apiPorts[0]}), downloaded from api 2 (:${scene.apiPorts[1]}): ${csv.split('\n').length - 1} CSV lines`;
}

/**
 * (d) 30 login attempts from 127.0.0.2 through nginx, spread over both processes, each with a
 * forged X-Forwarded-For: the 31st is refused (429); 127.0.0.3 still gets in.
 */
export async function rateLimitAcrossProcesses(scene: Scene): Promise<string> {
  const url = `${scene.nginx.origin}/connexion`;
  /** A client's login page (its session and CSRF token), then `count` wrong passwords in a row. */
  const attempts = async (client: string, count: number) => {
    const page = await requestFrom(client, url);
    const cookie = cookiesOf(page);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const statuses: number[] = [];
    for (let n = 1; n <= count; n++) {
      const answer = await requestFrom(client, url, {
        headers: { cookie, 'x-forwarded-for': `203.0.113.${n}` },
        form: { _csrf: token, email: 'personne@example.fr', password: 'pas-le-bon-mot-de-passe' },
      });
      statuses.push(answer.status);
    }
    return statuses;
  };
  const mark = scene.nginx.mark();
  const statuses = await attempts('127.0.0.2', 31);
  const refusedEarly = statuses.slice(0, 30).filter((status) => status === 429).length;
  if (refusedEarly > 0) throw new Error(`${refusedEarly} of the first 30 attempts were refused`);
  if (statuses.slice(0, 30).some((status) => status === 403))
    throw new Error(`CSRF refused an attempt: ${statuses.join(' ')}`);
  if (statuses[30] !== 429) throw new Error(`the 31st attempt answered ${statuses[30]}, not 429`);
  const [other] = await attempts('127.0.0.3', 1);
  if (other === 429)
    throw new Error('another client (127.0.0.3) was refused too: the limit counts nginx, not the client');
  const posts = (await scene.nginx.requests(mark, 32)).filter(
    (request) => request.method === 'POST' && request.client === '127.0.0.2',
  );
  const served = [1, 2].map((index) => posts.filter((request) => processOf(scene, request.upstream) === index).length);
  if (served.some((count) => count === 0)) throw new Error(`attempts per api process: ${served.join(' and ')}`);
  // The OpenID provider's own limit (failed client authentications at /oidc/token, per IP) too.
  const tokens = await failedTokenRequests(scene.nginx.origin, '127.0.0.4', 31);
  if (tokens.slice(0, 30).some((status) => status !== 401) || tokens[30] !== 429)
    throw new Error(`token endpoint from 127.0.0.4: ${tokens.join(' ')}`);
  const [otherToken] = await failedTokenRequests(scene.nginx.origin, '127.0.0.5', 1);
  if (otherToken !== 401) throw new Error(`token endpoint from 127.0.0.5 answered ${otherToken}`);
  return `login rate limit across processes: 30 attempts from 127.0.0.2 (${served[0]} on api 1, ${served[1]} on api 2, forged X-Forwarded-For ignored), the 31st answered 429; 127.0.0.3 answered ${other}; at /oidc/token, 30 failed client authentications from 127.0.0.4, the 31st answered 429, 127.0.0.5 answered ${otherToken}`;
}

/**
 * (e) Mandates all ended: the worker whose connection is in the middle of an expiry batch is
 * killed (SIGKILL); the other one expires and journals every mandate exactly once.
 */
export async function workerKilledMidJob(scene: Scene, mandates: number): Promise<string> {
  const one = async (sql: string, parameters: unknown[] = []) => (await scene.db.query(sql, parameters)).rows[0];
  const citizen = await one(
    `INSERT INTO citizens (france_connect_sub, given_name, family_name, birthdate, gender, email, search_name)
     VALUES ('scale-demo-expiry', 'Angela', 'Dubois', '1962-08-24', 'female', 'angela@example.fr', 'angela dubois')
     RETURNING id`,
  );
  const structure = await one('SELECT structure_id FROM memberships WHERE aide_id = $1', [scene.seed.aideId]);
  const expiredBefore = Number((await one("SELECT count(*) AS n FROM mandates WHERE status = 'expired'")).n);
  const noticesNow = async () =>
    Number((await one("SELECT count(*) AS n FROM notifications WHERE kind = 'mandate_expired'")).n);
  const noticesBefore = await noticesNow();
  await scene.db.query(
    `INSERT INTO mandates (structure_id, aide_id, citizen_id, areas, duration, channel, status, decided_at, starts_at,
                           expires_at, consent_text_version, consent_evidence, seal)
     SELECT $1, $2, $3, '{papers}', 'one_day', 'same_device', 'active', now() - interval '1 day',
            now() - interval '1 day', now() - interval '30 seconds', '2026-01', '{}'::jsonb, 'scale-demo-seal'
       FROM generate_series(1, $4)`,
    [structure.structure_id, scene.seed.aideId, citizen.id, mandates],
  );
  // Once a tenth is done, the worker holding row locks on mandates (a batch in progress): its
  // connection's application_name names it.
  const deadline = Date.now() + 60_000;
  let victim: { name: string; child: ChildProcess } | undefined;
  while (!victim) {
    const done = Number((await one("SELECT count(*) AS n FROM mandates WHERE status = 'expired'")).n) - expiredBefore;
    if (done < mandates / 10) {
      if (Date.now() > deadline) throw new Error(`${done} of ${mandates} mandates expired within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    const { rows } = await scene.db.query(
      `SELECT DISTINCT a.application_name FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE c.relname = 'mandates' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()`,
    );
    victim = scene.workers.find((worker) => rows.some((row) => row.application_name === worker.name));
    if (!victim && Date.now() > deadline) throw new Error('no worker started an expiry batch within 60 s');
    if (!victim) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stopChild(victim.child, 'SIGKILL');
  const expiredAtKill =
    Number((await one("SELECT count(*) AS n FROM mandates WHERE status = 'expired'")).n) - expiredBefore;
  const survivor = scene.workers.find((worker) => worker !== victim)!;
  const start = performance.now();
  for (;;) {
    const state = await one(
      `SELECT (SELECT count(*) FROM mandates WHERE status = 'active' AND expires_at < now())::int AS active,
              (SELECT count(*) FROM audit_outbox)::int AS pending`,
    );
    if (state.active === 0 && state.pending === 0) break;
    if (survivor.child.exitCode !== null) throw new Error(`${survivor.name} stopped too`);
    if (performance.now() - start > 180_000)
      throw new Error(`after 180 s: ${state.active} active, ${state.pending} unsealed`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const journal = await one(
    `SELECT count(*)::int AS events, count(DISTINCT mandate_id)::int AS mandates FROM audit_journal
      WHERE action = 'mandate.expired' AND mandate_id IN (SELECT id FROM mandates WHERE seal = 'scale-demo-seal')`,
  );
  if (journal.events !== mandates || journal.mandates !== mandates)
    throw new Error(`journal: ${journal.events} expiry events for ${journal.mandates} of ${mandates} mandates`);
  const notices = (await noticesNow()) - noticesBefore;
  if (notices !== mandates) throw new Error(`${notices} expiry emails queued for ${mandates} mandates`);
  const chain = await one('SELECT count(*)::int AS n, max(seq)::int AS last FROM audit_journal');
  if (chain.n !== chain.last) throw new Error(`journal: ${chain.n} entries up to seq ${chain.last} (a gap)`);
  return (
    `worker fault: ${victim.name} killed (SIGKILL) in an expiry batch with ${expiredAtKill} of ${mandates} mandates expired; ` +
    `${survivor.name} finished the rest in ${((performance.now() - start) / 1000).toFixed(1)} s, each expired, journaled and its email queued once, ` +
    `chain of ${chain.n} entries without a gap (load average ${load()})`
  );
}
