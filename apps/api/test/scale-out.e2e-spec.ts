import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { createTestEnvironment, freePort, type TestEnvironment } from '@relais/testing';

import { Browser, csrf } from '../../../bench/code-flow.js';
import {
  cookiesOf,
  failedTokenRequests,
  nginxMissing,
  requestFrom,
  type RunningNginx,
  startApiProcess,
  startNginx,
  startWorkerProcess,
  stopChild,
  waitUntilReady,
} from '../../../bench/scale-out.js';
import {
  createMember,
  createStructure,
  freshCode,
  PASSWORD,
  startConsole,
  type TestMember,
} from './console-helpers.js';

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });

/** A short version of `npm run scale:demo` (bench/scale-demo.ts): two api processes behind nginx. */
describe('two api processes behind nginx (round robin, no sticky sessions) behave as one', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let nginx: RunningNginx;
  let supervisor: TestMember;
  let apiPorts: number[];
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'relais-scale-out-'));

  const direct = (index: number) => `http://127.0.0.1:${apiPorts[index]}`;
  const servedBy = (upstreams: string[]) =>
    apiPorts.map((port) => upstreams.filter((upstream) => upstream === `127.0.0.1:${port}`).length);

  /** Password then TOTP through `origin`; the fetch browser keeps the session cookie. */
  async function logIn(origin: string): Promise<Browser> {
    const browser = new Browser(origin);
    const page = await browser.send('/connexion');
    const password = await browser.send('/connexion', {
      form: { _csrf: await csrf(page), email: supervisor.email, password: PASSWORD },
    });
    expect(password.headers.get('location')).toBe('/connexion/code');
    const codePage = await browser.send('/connexion/code');
    const done = await browser.send('/connexion/code', {
      form: { _csrf: await csrf(codePage), code: await freshCode(app, supervisor) },
    });
    expect(done.headers.get('location')).toBe('/espace');
    return browser;
  }

  beforeAll(async () => {
    const missing = nginxMissing();
    if (missing) throw new Error(missing);
    env = await createTestEnvironment();
    const [front, firstOnly, ...ports] = await Promise.all([1, 2, 3, 4].map(() => freePort()));
    apiPorts = ports;
    const processEnv = { ...process.env, ...env.env, ISSUER: `http://127.0.0.1:${front}` };
    process.env.ISSUER = processEnv.ISSUER;
    app = await startConsole();
    const structureId = await createStructure(app, 'France Services Belleville');
    supervisor = await createMember(app, structureId, 'responsable.echelle@example.fr', MembershipRole.Supervisor);
    children.push(...apiPorts.map((port) => startApiProcess(port, processEnv)));
    children.push(startWorkerProcess('relais-worker-scale-test', processEnv));
    nginx = await startNginx(join(dir, 'nginx'), { front, firstOnly }, apiPorts);
    await waitUntilReady([...apiPorts.map((port) => `http://127.0.0.1:${port}`), nginx.origin]);
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(children.map((child) => stopChild(child)));
    await app?.close();
    await env?.dispose();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.ISSUER;
  });

  it('given a session opened on api 1, the next request on api 2 is logged in, and through nginx both serve it', async () => {
    const browser = await logIn(direct(0));

    const onTwo = await browser.fork(direct(1)).send('/espace');
    expect(onTwo.status).toBe(200);
    expect(await onTwo.text()).toContain('France Services Belleville');

    const mark = nginx.mark();
    const throughNginx = browser.fork(nginx.origin);
    for (let n = 0; n < 4; n++) expect((await throughNginx.send('/espace')).status).toBe(200);
    expect(servedBy((await nginx.requests(mark, 4)).map((request) => request.upstream))).toEqual([2, 2]);
  }, 30_000);

  it('counts login attempts per client across both processes: the 31st from one address is refused, whatever X-Forwarded-For it forges; another address is not', async () => {
    const login = `${nginx.origin}/connexion`;
    const attempts = async (client: string, count: number) => {
      const page = await requestFrom(client, login);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
      const statuses: number[] = [];
      for (let n = 1; n <= count; n++) {
        const answer = await requestFrom(client, login, {
          headers: { cookie: cookiesOf(page), 'x-forwarded-for': `198.51.100.${n}` },
          form: { _csrf: token, email: 'personne@example.fr', password: 'pas-le-bon-mot-de-passe' },
        });
        statuses.push(answer.status);
      }
      return statuses;
    };
    const mark = nginx.mark();

    const statuses = await attempts('127.0.0.2', 31);

    expect(statuses.slice(0, 30).every((status) => status !== 429 && status !== 403)).toBe(true);
    expect(statuses[30]).toBe(429);
    const posts = (await nginx.requests(mark, 32)).filter((request) => request.method === 'POST');
    expect(posts.every((request) => request.client === '127.0.0.2')).toBe(true);
    expect(servedBy(posts.map((request) => request.upstream)).every((count) => count >= 15)).toBe(true);
    expect((await attempts('127.0.0.3', 1))[0]).not.toBe(429);
  }, 30_000);

  it('counts failed client authentications at the token endpoint per client IP across both processes, as the OpenID provider sees it through nginx', async () => {
    const mark = nginx.mark();

    const statuses = await failedTokenRequests(nginx.origin, '127.0.0.4', 31);

    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    const posts = (await nginx.requests(mark, 31)).filter((request) => request.path === '/oidc/token');
    expect(servedBy(posts.map((request) => request.upstream)).every((count) => count >= 15)).toBe(true);
    expect(await failedTokenRequests(nginx.origin, '127.0.0.5', 1)).toEqual([401]);
  }, 30_000);

  it('given an export requested on api 1, api 2 shows its progress and serves the file', async () => {
    const first = await logIn(direct(0));
    const form = await first.send(`/rapports?du=${day(-1)}&au=${day(1)}`);
    const posted = await first.send('/rapports', {
      form: { _csrf: await csrf(form), du: day(-1), au: day(1), format: 'csv' },
    });
    expect(posted.status).toBe(303);
    const page = posted.headers.get('location')!;

    const second = first.fork(direct(1));
    const deadline = Date.now() + 30_000;
    let progress = await (await second.send(page)).text();
    while (!progress.includes('Le rapport est prêt')) {
      if (Date.now() > deadline) throw new Error('the export did not finish within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
      progress = await (await second.send(page)).text();
    }
    const file = await second.send(`${page}/fichier`);

    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await file.text()).split('\n').length).toBeGreaterThan(1);
  }, 45_000);
});
