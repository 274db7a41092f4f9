import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEnvironment, freePort, launchBrowser, type TestEnvironment } from '@relais/testing';
import type { Browser } from 'playwright-core';

import {
  type Certificate,
  nginxMissing,
  type PlainResponse,
  type RunningNginx,
  selfSignedCertificate,
  startNginx,
  startStandIn,
  stopChild,
} from '../../../bench/scale-out.js';
import { createMember, createStructure, logInInBrowser, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';

/**
 * Production's shape: TLS ends at the reverse proxy (nginx here, with a self-signed certificate),
 * which forwards plain http to the api with X-Forwarded-Proto; ISSUER is https and TRUST_PROXY
 * keeps its default (one proxy). Everything a browser or a public service sees must say https.
 */
describe('behind an https reverse proxy (TLS ends at nginx)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let nginx: RunningNginx;
  let certificate: Certificate;
  let demo: ChildProcess;
  let demoUrl: string;
  let browser: Browser;
  let aide: TestMember;
  const dir = mkdtempSync(join(tmpdir(), 'relais-https-'));

  /** A GET through nginx that trusts only the test's certificate. */
  const fetchTls = (path: string) =>
    new Promise<PlainResponse>((resolve, reject) => {
      get(`${nginx.origin}${path}`, { ca: readFileSync(certificate.cert) }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      }).once('error', reject);
    });

  beforeAll(async () => {
    const missing = nginxMissing();
    if (missing) throw new Error(missing);
    env = await createTestEnvironment();
    const [front, firstOnly, apiPort, demoPort] = await Promise.all([1, 2, 3, 4].map(() => freePort()));
    process.env.ISSUER = `https://127.0.0.1:${front}`;
    app = await startConsole();
    await app.listen(apiPort, '127.0.0.1');
    certificate = selfSignedCertificate(join(dir, 'tls'));
    nginx = await startNginx(join(dir, 'nginx'), { front, firstOnly }, [apiPort], certificate);

    const structureId = await createStructure(app, 'France Services Belleville');
    aide = await createMember(app, structureId, 'aidant.https@example.fr');
    await consentedMandate(app, structureId, aide.aideId, ['papers'], {
      givenName: 'Marie',
      familyName: 'Lefèvre',
      birthdate: '1948-03-17',
    });
    demoUrl = `http://127.0.0.1:${demoPort}`;
    const credentials = await registerService(
      app,
      'Service public de démonstration',
      ['papers'],
      `${demoUrl}/callback`,
    );
    // The demo service is a public service of its own: it trusts the proxy's certificate, as a
    // real one trusts a public CA.
    ({ child: demo } = await startStandIn(
      'dist/apps/demo-service/src/main.js',
      {
        ...process.env,
        NODE_EXTRA_CA_CERTS: certificate.cert,
        DEMO_SERVICE_PORT: String(demoPort),
        DEMO_SERVICE_URL: demoUrl,
        DEMO_SERVICE_ISSUER: `${nginx.origin}/oidc`,
        DEMO_SERVICE_CLIENT_ID: credentials.clientId,
        DEMO_SERVICE_CLIENT_SECRET: credentials.clientSecret,
      },
      /Service public de démonstration: /,
    ));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (demo) await stopChild(demo);
    await nginx?.stop();
    await app?.close();
    await env?.dispose();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.ISSUER;
  });

  it('the discovery document names the https issuer and https endpoints only, with HSTS and CORS', async () => {
    const response = await fetchTls('/oidc/.well-known/openid-configuration');

    expect(response.status).toBe(200);
    const discovery = JSON.parse(response.body) as Record<string, unknown>;
    expect(discovery.issuer).toBe(`${nginx.origin}/oidc`);
    const urls = Object.entries(discovery).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri');
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const [, url] of urls) expect(url).toMatch(new RegExp(`^${nginx.origin}/oidc/`));
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('a console page is sent with HSTS, a CSP that upgrades insecure requests, and a Secure session cookie', async () => {
    const response = await fetchTls('/connexion');

    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    const cookies = [response.headers['set-cookie'] ?? []].flat();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*secure/i);
  });

  it('an aide logs in to a public service for a citizen through https in Chromium: every cookie Relais sets is Secure', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${demoUrl}/`);
    await page.getByRole('link', { name: 'Se connecter avec Relais' }).click();

    await page.waitForURL(`${nginx.origin}/connexion`);
    await logInInBrowser(app, page, aide);
    await page.waitForURL(new RegExp(`^${nginx.origin}/delegation/[\\w-]+$`));
    await page.getByRole('link', { name: 'Marie Lefèvre' }).click();
    await page.getByRole('button', { name: 'Confirmer et me connecter' }).click();

    await page.waitForURL((url) => url.href.startsWith(demoUrl));
    await expect(page.locator('h1').textContent()).resolves.toBe('Vous êtes connecté');
    expect(await page.locator('main').textContent()).toContain('Lefèvre');
    // Cookies belong to a host, not a port: the demo service's own (http) one is left out.
    const relaisCookies = (await context.cookies(nginx.origin)).filter((cookie) => !cookie.name.startsWith('demo_'));
    expect(relaisCookies.map((cookie) => cookie.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^_session/)]),
    );
    expect(relaisCookies.filter((cookie) => !cookie.secure || !cookie.httpOnly)).toEqual([]);
    await context.close();
  }, 60_000);
});
