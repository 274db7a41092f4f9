import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { accessibilityViolations, createTestEnvironment, launchBrowser, type TestEnvironment } from '@relais/testing';
import type { Browser } from 'playwright-core';

import { createApi } from '../src/create-api.js';
import { createMember, createStructure, logInInBrowser } from './console-helpers.js';

describe('report pages in a real browser (axe, keyboard-free form flow)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await createApi();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('given a supervisor, the form, the count, the progress page (its refresh can be turned off) and the verification page pass axe', async () => {
    const structureId = await createStructure(app, 'France Services Belleville');
    const supervisor = await createMember(app, structureId, 'responsable.axe@example.fr', MembershipRole.Supervisor);
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await logInInBrowser(app, page, supervisor, `${baseUrl}/connexion`);
    await page.waitForURL(/\/espace$/);

    await page.getByRole('link', { name: 'Exporter le journal' }).click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Compter les entrées' }).click();
    expect(await page.getByRole('status').textContent()).toMatch(/entrées? du journal correspond/);
    expect(await accessibilityViolations(page)).toEqual([]);

    // DSFR draws the radio on its label (the input itself is visually hidden).
    await page.locator('label[for="format-csv"]').click();
    await page.getByRole('button', { name: 'Exporter' }).click();
    await page.waitForURL(/\/rapports\/[0-9a-f-]{36}$/);
    // No worker runs in this test: the page waits, refreshing itself (meta refresh, no script).
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(1);
    expect(await page.textContent('main')).toContain('Préparation du rapport');
    // axe flags any meta refresh (WCAG 2.2.1); the page offers to turn it off, which then passes.
    expect(await accessibilityViolations(page)).toEqual(['meta-refresh (critical): meta[http-equiv="refresh"]']);
    await page.getByRole('link', { name: 'Arrêter la mise à jour automatique' }).click();
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto(`${baseUrl}/verify/rapport`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 90_000);
});
