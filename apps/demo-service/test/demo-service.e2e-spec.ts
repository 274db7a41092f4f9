import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { accessibilityViolations, CitizenUserAgent, launchBrowser } from '@relais/testing';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { findIdentityByKey } from '../../identity-sandbox/src/identities/test-identities.js';
import { loadSandboxConfig } from '../../identity-sandbox/src/sandbox-config.js';
import { type RunningSandbox, startSandbox } from '../../identity-sandbox/src/sandbox.js';
import { loadDemoServiceConfig } from '../src/demo-service-config.js';
import { type RunningDemoService, startDemoService } from '../src/demo-service.js';

/** What the hostile front does to the ID token of the token endpoint's responses. */
type Tampering = 'none' | 'flip-signature' | 'foreign-key';

/**
 * A plain HTTP front for the identity sandbox, which is started with the front's URL as issuer:
 * every request of the browser and of the demo service goes through it unchanged, except token
 * responses when `tampering` is set (an ID token with one signature character flipped, or the
 * same claims signed with another key under the same `kid`).
 */
class HostileFront {
  tampering: Tampering = 'none';
  target = 0;
  private readonly server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        const isToken = req.url?.startsWith('/api/v2/token') && response.statusCode === 200;
        if (this.tampering === 'none' || !isToken) {
          res.writeHead(response.statusCode!, response.headers);
          response.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          void this.tamper(Buffer.concat(chunks).toString()).then((body) => {
            const headers: IncomingHttpHeaders = {
              ...response.headers,
              'content-length': String(Buffer.byteLength(body)),
            };
            delete headers['transfer-encoding'];
            res.writeHead(response.statusCode!, headers);
            res.end(body);
          });
        });
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });

  url = '';

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async tamper(body: string): Promise<string> {
    const tokens = JSON.parse(body) as { id_token: string };
    const [header, payload, signature] = tokens.id_token.split('.');
    if (this.tampering === 'flip-signature') {
      const middle = Math.floor(signature.length / 2);
      const flipped = signature[middle] === 'A' ? 'B' : 'A';
      tokens.id_token = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
    } else {
      const { privateKey } = await generateKeyPair('ES256');
      tokens.id_token = await new SignJWT(decodeJwt(tokens.id_token))
        .setProtectedHeader(decodeProtectedHeader(tokens.id_token) as { alg: string })
        .sign(privateKey);
    }
    return JSON.stringify(tokens);
  }
}

function demoConfig(issuer: string, extra: Record<string, string> = {}) {
  return loadDemoServiceConfig({
    DEMO_SERVICE_PORT: '0',
    DEMO_SERVICE_ISSUER: issuer,
    DEMO_SERVICE_CLIENT_ID: 'demo',
    DEMO_SERVICE_CLIENT_SECRET: 'demo-secret',
    ...extra,
  });
}

describe('demo public service (openid-client relying party) against the identity sandbox', () => {
  let front: HostileFront;
  let sandbox: RunningSandbox;
  let demo: RunningDemoService;
  let demoWithArea: RunningDemoService;

  /** Starts a login at the demo service; returns the service's cookie jar and Relais' authorization URL. */
  async function startLogin(service: RunningDemoService = demo) {
    const browser = new CitizenUserAgent(service.url);
    const response = await browser.send(new URL('/connexion', service.url));
    expect(response.status).toBe(303);
    return { browser, authorizationUrl: new URL(response.headers.get('location')!) };
  }

  /** The citizen's side at the identity provider, up to the URL it sends the browser back to. */
  function pickIdentity(authorizationUrl: URL, identity: string | null): Promise<URL> {
    return new CitizenUserAgent(front.url).authorize(authorizationUrl, identity);
  }

  /** A whole login, then the account page; returns its HTML and the service's cookie jar. */
  async function logIn(identity: string, service: RunningDemoService = demo) {
    const { browser, authorizationUrl } = await startLogin(service);
    const callback = await pickIdentity(authorizationUrl, identity);
    const response = await browser.send(callback);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/compte');
    const account = await browser.send(new URL('/compte', service.url));
    expect(account.status).toBe(200);
    return { browser, callback, html: await account.text() };
  }

  beforeAll(async () => {
    front = new HostileFront();
    await front.listen();
    // The services listen before the sandbox starts: they contact Relais only at the first login.
    demo = await startDemoService(demoConfig(`${front.url}/`));
    demoWithArea = await startDemoService(demoConfig(front.url, { DEMO_SERVICE_AREA: 'papers' }));
    const services = [demo, demoWithArea];
    sandbox = await startSandbox({
      ...loadSandboxConfig({
        SANDBOX_CLIENTS: JSON.stringify([
          {
            client_id: 'demo',
            client_secret: 'demo-secret',
            client_name: 'Service public de démonstration',
            redirect_uris: services.map((service) => `${service.url}/callback`),
            post_logout_redirect_uris: services.map((service) => `${service.url}/`),
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ]),
      }),
      issuer: front.url,
      port: 0,
    });
    front.target = sandbox.port;
  });

  afterEach(() => {
    front.tampering = 'none';
  });

  afterAll(async () => {
    await demo?.close();
    await demoWithArea?.close();
    await sandbox?.close();
    await front?.close();
  });

  it('given the home page, when it is opened, then it offers « Se connecter avec Relais » under a strict CSP', async () => {
    const response = await fetch(`${demo.url}/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('<h1>Service public de démonstration</h1>');
    expect(html).toMatch(/<a class="button" href="\/connexion">Se connecter avec Relais<\/a>/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script|style=/);
    const css = await fetch(`${demo.url}/static/demo-service.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('given /connexion, when it is opened, then the browser goes to the authorize endpoint with code flow, PKCE S256, state, nonce and the scopes, and no claims parameter', async () => {
    const browser = new CitizenUserAgent(demo.url);
    const response = await browser.send(new URL('/connexion', demo.url));

    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${front.url}/api/v2/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      client_id: 'demo',
      response_type: 'code',
      redirect_uri: `${demo.url}/callback`,
      scope: 'openid profile birth procedure_area',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
    });
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('demo_transaction='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The state, nonce and verifier stay on the server: the cookie is only a signed random id.
    expect(cookie).not.toContain(location.searchParams.get('state'));
  });

  it('given DEMO_SERVICE_AREA=papers, when the login starts, then the claims parameter asks for procedure_area "papers" in the ID token, and the login still completes', async () => {
    const { browser, authorizationUrl } = await startLogin(demoWithArea);

    expect(JSON.parse(authorizationUrl.searchParams.get('claims')!)).toEqual({
      id_token: { procedure_area: { value: 'papers' } },
    });
    const response = await browser.send(await pickIdentity(authorizationUrl, 'youssef'));
    expect(response.status).toBe(303);
  });

  it('given Marie-Thérèse, when the aide logs in through the provider, then « Vous êtes connecté » shows her identity, her sub and the raw ID token, and says no aide nor mandate was sent', async () => {
    const { html } = await logIn('marie-therese');

    const { sub } = findIdentityByKey('marie-therese')!.claims;
    expect(html).toContain('<h1>Vous êtes connecté</h1>');
    expect(html).toContain('Marie-Thérèse Hélène');
    expect(html).toContain('Lefèvre-Ndiaye');
    expect(html).toContain('17 mars 1948');
    expect(html).toContain('féminin');
    expect(html).toContain('<code>75112</code>');
    expect(html).toContain('<code>99100</code>');
    expect(html).toContain(`<code>${sub}</code>`);
    // The sandbox puts acr in the ID token only when acr_values asks for it; this service does not.
    expect(html).toMatch(/\(acr\)<\/dt>\s*<dd>non transmis<\/dd>/);
    expect(html).toContain('Aucun aidant n’a été transmis');
    expect(html).toMatch(/Mandat \(mandate_id\)<\/dt>\s*<dd>non transmis<\/dd>/);
    expect(html).toContain('<summary>Contenu brut du jeton d’identité (ID token)</summary>');
    expect(html).toContain('&quot;aud&quot;: &quot;demo&quot;');
    expect(html).not.toContain('Nom d’usage');
  });

  it('given Jeanne (usage name) and Aminata (unknown birth day and month, born abroad), when each logs in, then the page shows the usage name, the partial date and the empty birthplace', async () => {
    const jeanne = (await logIn('jeanne')).html;
    const aminata = (await logIn('aminata')).html;

    expect(jeanne).toMatch(/Nom d’usage<\/dt>\s*<dd>Dupont<\/dd>/);
    expect(aminata).toMatch(/Date de naissance<\/dt>\s*<dd>1985<\/dd>/);
    expect(aminata).toContain('vide (naissance à l’étranger)');
    expect(aminata).toContain('<code>99341</code>');
  });

  it('given a callback whose state is not the one sent, when it reaches the service, then it shows the French error page with 400 and does not call the token endpoint', async () => {
    const { browser, authorizationUrl } = await startLogin();
    const callback = await pickIdentity(authorizationUrl, 'marie-therese');
    callback.searchParams.set('state', 'forged-state');

    const response = await browser.send(callback);
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('<h1>Connexion refusée</h1>');
    expect(html).toContain('ne correspond pas à la demande de connexion en cours');
    expect(html).toContain('<code>state_mismatch</code>');
    expect(html).not.toMatch(/at \w+ \(|Error:/);
  });

  it('given a callback already used, when it is replayed with the same cookie, then the service refuses it with 400 (the login can be used once)', async () => {
    const start = await fetch(`${demo.url}/connexion`, { redirect: 'manual' });
    const cookie = start.headers
      .getSetCookie()
      .map((value) => value.split(';')[0])
      .join('; ');
    const callback = await pickIdentity(new URL(start.headers.get('location')!), 'marie-therese');
    const first = await fetch(callback, { headers: { cookie }, redirect: 'manual' });
    expect(first.status).toBe(303);

    const replay = await fetch(callback, { headers: { cookie }, redirect: 'manual' });

    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('a expiré ou a déjà été utilisée');
  });

  it('given a code already exchanged, when it is injected into a new login with the right state, then the provider refuses it and the service shows a 502 page', async () => {
    const used = await logIn('marie-therese');
    const { browser, authorizationUrl } = await startLogin();
    const injected = new URL(used.callback);
    injected.searchParams.set('state', authorizationUrl.searchParams.get('state')!);

    const response = await browser.send(injected);
    const html = await response.text();

    expect(response.status).toBe(502);
    expect(html).toContain('Relais a refusé de terminer la connexion');
    expect(html).toContain('<code>token_refused</code>');
  });

  it('given a citizen who cancels at the provider, when the callback brings access_denied, then the service shows « Connexion annulée » with 403', async () => {
    const { browser, authorizationUrl } = await startLogin();
    const callback = await pickIdentity(authorizationUrl, null);

    const response = await browser.send(callback);

    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<h1>Connexion annulée</h1>');
  });

  it('given a callback without the login cookie, when it is opened, then the service shows a 400 page', async () => {
    const response = await fetch(`${demo.url}/callback?code=abc&state=def`);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<code>transaction_missing</code>');
  });

  it.each(['flip-signature', 'foreign-key'] as const)(
    'given a token endpoint answer whose ID token is tampered (%s), when the service checks it, then it refuses the login with a 502 page and opens no session',
    async (tampering) => {
      const { browser, authorizationUrl } = await startLogin();
      const callback = await pickIdentity(authorizationUrl, 'marie-therese');
      front.tampering = tampering;

      const response = await browser.send(callback);
      const html = await response.text();

      expect(response.status).toBe(502);
      expect(html).toContain('Le jeton d’identité reçu n’est pas valable');
      expect(html).toContain('<code>id_token_rejected</code>');
      expect(html).not.toContain('Lefèvre-Ndiaye');
      const account = await browser.send(new URL('/compte', demo.url));
      expect(account.status).toBe(303);
      expect(account.headers.get('location')).toBe('/');
    },
  );

  it('given a logged-in aide, when they log out, then the session ends here and the browser goes to the provider’s end_session with id_token_hint and the home page as post_logout_redirect_uri', async () => {
    const { browser } = await logIn('jean-pierre');

    const response = await browser.send(new URL('/deconnexion', demo.url), {});

    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${front.url}/api/v2/session/end`);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${demo.url}/`);
    expect(decodeJwt(location.searchParams.get('id_token_hint')!).sub).toBe(
      findIdentityByKey('jean-pierre')!.claims.sub,
    );
    const account = await browser.send(new URL('/compte', demo.url));
    expect(account.status).toBe(303);
  });

  it('given an unknown page, when it is opened, then the French 404 page is shown', async () => {
    const response = await fetch(`${demo.url}/nulle-part`);

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<h1>Page introuvable</h1>');
  });

  it('given a provider that does not answer, when a login starts, then the service shows « Relais ne répond pas » with 502', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await startDemoService(demoConfig(`http://127.0.0.1:${port}/oidc`));
    try {
      const response = await fetch(`${unreachable.url}/connexion`, { redirect: 'manual' });

      expect(response.status).toBe(502);
      expect(await response.text()).toContain('<h1>Relais ne répond pas</h1>');
    } finally {
      await unreachable.close();
    }
  });

  describe('in Chromium', () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    async function openPage(): Promise<Page> {
      const context = await browser.newContext({ locale: 'fr-FR' });
      contexts.push(context);
      return context.newPage();
    }

    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);

    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('given the home page, when axe checks it against WCAG 2.2 A and AA, then it finds no violation', async () => {
      const page = await openPage();

      await page.goto(`${demo.url}/`);

      await expect(page.getByRole('link', { name: 'Se connecter avec Relais' }).isVisible()).resolves.toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('given an aide who logs in and out in the browser, when axe checks the result page, then it finds no violation, and logout comes back home', async () => {
      const page = await openPage();
      await page.goto(`${demo.url}/`);

      await page.getByRole('link', { name: 'Se connecter avec Relais' }).click();
      await page.getByRole('button', { name: 'Choisir Éloïse D’Aubigné Saint-Éloi' }).click();
      await page.waitForURL(`${demo.url}/compte`);

      await expect(page.locator('h1').textContent()).resolves.toBe('Vous êtes connecté');
      await expect(page.getByText('D’Aubigné Saint-Éloi').count()).resolves.toBeGreaterThan(0);
      expect(await accessibilityViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByRole('button', { name: 'Me déconnecter' }).click();
      await page.waitForURL(`${demo.url}/`);
      await expect(page.locator('h1').textContent()).resolves.toBe('Service public de démonstration');
    });

    it('given the error page, when axe checks it, then it finds no violation', async () => {
      const page = await openPage();

      const response = await page.goto(`${demo.url}/callback?code=abc&state=def`);

      expect(response?.status()).toBe(400);
      expect(await accessibilityViolations(page)).toEqual([]);
    });
  });
});
