import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '@relais/config';
import { accessibilityViolations, createTestEnvironment, launchBrowser, type TestEnvironment } from '@relais/testing';
import nunjucks from 'nunjucks';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

import { createApi } from '../src/create-api.js';

describe('console pages in a real browser', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', ...options });
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await createApi();
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await launchBrowser();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('given the home page, when axe checks it against WCAG 2.2 A and AA, then it finds no violation', async () => {
    const page = await openPage();

    const response = await page.goto(`${baseUrl}/`);

    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Accueil — Relais');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('given an address that does not exist, when a browser opens it, then a French 404 page without accessibility violation is shown', async () => {
    const page = await openPage();

    const response = await page.goto(`${baseUrl}/page-inexistante`);

    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('text/html');
    await expect(page.title()).resolves.toBe('Page non trouvée — Relais');
    await expect(page.locator('h1').textContent()).resolves.toBe('Page non trouvée');
    await expect(page.locator('main').textContent()).resolves.toContain('Erreur 404');
    const back = page.getByRole('link', { name: 'Retour à l’accueil' });
    await expect(back.getAttribute('href')).resolves.toBe('/');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('given a 375 px wide phone screen, when the home page is shown, then nothing scrolls sideways and axe finds no violation', async () => {
    const page = await openPage({ viewport: { width: 375, height: 800 } });

    await page.goto(`${baseUrl}/`);

    // A string expression: it runs in the page, and the tests' TypeScript has no DOM types.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('given JavaScript is disabled, when the home page is opened, then its heading and content are shown', async () => {
    const page = await openPage({ javaScriptEnabled: false });

    const response = await page.goto(`${baseUrl}/`);

    expect(response?.status()).toBe(200);
    const heading = page.locator('h1');
    await expect(heading.isVisible()).resolves.toBe(true);
    await expect(heading.textContent()).resolves.toContain('Relais');
    await expect(page.getByRole('heading', { name: 'Espace aidant' }).isVisible()).resolves.toBe(true);
    // No script ran: what is shown does not depend on JavaScript.
    await expect(page.locator('html').getAttribute('data-fr-js')).resolves.toBeNull();
  });

  it('given the home page, when the user presses Tab once, then the "Contenu" skip link has the focus and leads to the main content', async () => {
    const page = await openPage();
    await page.goto(`${baseUrl}/`);

    await page.keyboard.press('Tab');

    const focused = page.locator(':focus');
    await expect(focused.textContent()).resolves.toBe('Contenu');
    await expect(focused.getAttribute('href')).resolves.toBe('#contenu');
    await expect(page.locator('main#contenu').count()).resolves.toBe(1);
    await expect(page.locator('#navigation-principale').count()).resolves.toBe(1);
    await expect(page.locator('footer#pied-de-page').count()).resolves.toBe(1);
  });

  it('given the Content-Security-Policy, when the home and error pages load with the DSFR scripts, then nothing is blocked and every asset loads', async () => {
    const page = await openPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.text().includes('Content Security Policy')) {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/page-inexistante')) {
        problems.push(`${response.status()} ${response.url()}`);
      }
    });
    page.on('requestfailed', (request) => problems.push(`failed ${request.url()}`));

    await page.goto(`${baseUrl}/`, { waitUntil: 'networkidle' });
    // The DSFR script ran (it marks the document once started).
    await page.locator('html[data-fr-js]').waitFor({ state: 'attached' });
    await page.goto(`${baseUrl}/page-inexistante`, {
      waitUntil: 'networkidle',
    });

    expect(problems.filter((text) => !text.includes('404 (Not Found)'))).toEqual([]);
    expect(problems.some((text) => text.includes('Content Security Policy'))).toBe(false);
  });

  it('given the default configuration, when the home page is shown, then there is no State brand block', async () => {
    const page = await openPage();

    await page.goto(`${baseUrl}/`);

    await expect(page.locator('.fr-logo').count()).resolves.toBe(0);
    await expect(page.locator('body').textContent()).resolves.not.toContain('République');
    await expect(page.locator('.fr-header__service-title').textContent()).resolves.toBe('Relais');
    await expect(page.locator('.fr-header__service-tagline').textContent()).resolves.toBe(
      'Agir pour un usager, en toute transparence',
    );
  });

  it('given the operator enables the State brand, when the layout is rendered, then the header and footer show "République Française"', () => {
    const views = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(projectRoot(), 'libs/web/views')), {
      autoescape: true,
    });
    views.addGlobal('dsfrPath', '/dsfr');
    views.addGlobal('showStateBrand', true);

    const html = views.render('home.njk', { pageTitle: 'Accueil' });

    expect(html.match(/<p class="fr-logo">République<br>Française<\/p>/g)).toHaveLength(2);
  });
});
