import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '@relais/config';
import { PlacesImporter, readPlaceFile } from '@relais/places';
import { accessibilityViolations, createTestEnvironment, launchBrowser, type TestEnvironment } from '@relais/testing';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import request from 'supertest';

import { createApi } from '../src/create-api.js';

describe('/lieux: find help near me', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await createApi();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const demo = await readPlaceFile(join(projectRoot(), 'database/seeds/lieux-de-mediation-numerique.demo.json'));
    await app.get(PlacesImporter).replaceAll(demo);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  const html = (path: string) => request(app.getHttpServer()).get(path).set('accept', 'text/html');

  it('lists the places nearest to a postcode first, in plain French', async () => {
    const response = await html('/lieux?q=59800');

    expect(response.status).toBe(200);
    const names = [...response.text.matchAll(/<h3 class="fr-card__title">([^<]+)<\/h3>/g)].map((m) => m[1]);
    // the two places of 59800 first (the search starts from their centre), then the rest of Lille
    expect(names.slice(0, 2).sort()).toEqual(['Centre social Mosaïque', 'Espace numérique de Fives']);
    expect(names[2]).toMatch(/Lille|Hellemmes|MEL|Moulins|Wazemmes|Jean Lévy/);
    expect(response.text).toContain('Ouvert du mardi au vendredi, de 13 h 30 à 17 h 30');
    expect(response.text).toMatch(/À 0,\d km/);
    expect(response.text).toContain('href="tel:');
  });

  it('says plainly when nothing is found, and how to search otherwise', async () => {
    const response = await html('/lieux?q=Tombouctou');

    expect(response.status).toBe(200);
    expect(response.text).toContain('Aucun lieu trouvé pour « Tombouctou »');
    expect(response.text).toContain('numéro du département');
  });

  it('escapes what was typed and refuses a malformed search with a French page', async () => {
    const reflected = await html('/lieux?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    const malformed = await html('/lieux?q[]=a&q[]=b');

    expect(reflected.text).not.toContain('<script>alert(1)</script>');
    expect(reflected.text).toContain('&lt;script&gt;');
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('Informations incorrectes');
  });

  it('is offered from error pages: "Besoin d’aide ? Trouver un lieu près de chez vous"', async () => {
    const response = await html('/une-page-qui-n-existe-pas');

    expect(response.status).toBe(404);
    expect(response.text).toContain('Besoin d’aide ?');
    expect(response.text).toContain('href="/lieux"');
  });

  it.each<[string, BrowserContextOptions]>([
    ['1280 px wide', { viewport: { width: 1280, height: 900 } }],
    ['320 px wide', { viewport: { width: 320, height: 640 } }],
    ['200 % zoom', { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 }],
  ])(
    'reads well at %s: no accessibility violation, no horizontal scrolling',
    async (_label, options) => {
      const context = await browser.newContext({ locale: 'fr-FR', ...options });
      const page = await context.newPage();

      await page.goto(`${baseUrl}/lieux?q=75020`);

      expect(await accessibilityViolations(page)).toEqual([]);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      await context.close();
      expect(overflow).toBeLessThanOrEqual(0);
    },
    90_000,
  );

  it('works with the keyboard alone and without JavaScript: Tab to the field, type, Enter', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/lieux`);

    for (
      let tab = 0;
      tab < 30 && !(await page.locator('#q').evaluate((el) => el === el.ownerDocument.activeElement));
      tab++
    )
      await page.keyboard.press('Tab');
    await page.keyboard.type('Lille');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=Lille/);

    await expect(page.locator('h2#resultats').textContent()).resolves.toMatch(/\d+ lieux trouvés/);
    await context.close();
  }, 90_000);
});
