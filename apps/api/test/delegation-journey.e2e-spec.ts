import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  accessibilityViolations,
  createTestEnvironment,
  freePort,
  launchBrowser,
  type TestEnvironment,
} from '@relais/testing';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { loadDemoServiceConfig } from '../../demo-service/src/demo-service-config.js';
import { type RunningDemoService, startDemoService } from '../../demo-service/src/demo-service.js';
import { createMember, createStructure, logInInBrowser, startConsole, type TestMember } from './console-helpers.js';
import { consentedMandate, registerService } from './delegation-helpers.js';
import { authorizationRequest, relyingParty } from './provider-flow.js';

describe('delegated login end to end in Chromium, with the demo public service as the real client', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let demo: RunningDemoService;
  let browser: Browser;
  let issuer: string;
  let aide: TestMember;
  let marie: { mandateId: string; citizenId: string };
  let paul: { mandateId: string; citizenId: string };
  let credentials: { clientId: string; clientSecret: string };

  const expectAccessible = async (page: Page) => expect(await accessibilityViolations(page)).toEqual([]);

  beforeAll(async () => {
    env = await createTestEnvironment();
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    process.env.ISSUER = issuer;
    app = await startConsole();
    await app.listen(port, '127.0.0.1');
    const structureId = await createStructure(app, 'France Services Belleville');
    aide = await createMember(app, structureId, 'aidant.navigateur.delegation@example.fr');
    await app
      .get(DataSource)
      .query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
    marie = await consentedMandate(app, structureId, aide.aideId, ['papers', 'money'], {
      givenName: 'Marie-Thérèse Hélène',
      familyName: 'Lefèvre-Ndiaye',
      birthdate: '1948-03-17',
    });
    paul = await consentedMandate(app, structureId, aide.aideId, ['papers'], {
      givenName: 'Paul',
      familyName: 'Ferrand',
      birthdate: '1951-11-02',
    });
    const demoPort = await freePort();
    const demoUrl = `http://127.0.0.1:${demoPort}`;
    credentials = await registerService(
      app,
      'Service public de démonstration',
      ['papers', 'money'],
      `${demoUrl}/callback`,
    );
    demo = await startDemoService({
      ...loadDemoServiceConfig({
        DEMO_SERVICE_ISSUER: `${issuer}/oidc`,
        DEMO_SERVICE_CLIENT_ID: credentials.clientId,
        DEMO_SERVICE_CLIENT_SECRET: credentials.clientSecret,
        DEMO_SERVICE_URL: demoUrl,
      }),
      port: demoPort,
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await app?.close();
    await env?.dispose();
    delete process.env.ISSUER;
  });

  it('the aide logs in to the demo service for a citizen and the service shows the claims', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${demo.url}/`);
    await page.getByRole('link', { name: 'Se connecter avec Relais' }).click();

    // Not logged in to Relais yet: the console login, then back to the citizen picker.
    await page.waitForURL(/\/connexion$/);
    await logInInBrowser(app, page, aide);

    await page.waitForURL(/\/delegation\/[\w-]+$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Pour qui agissez-vous ?');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Marie-Thérèse Hélène Lefèvre-Ndiaye' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Pour quelle démarche ?');
    await expectAccessible(page);
    await page.locator('label', { hasText: 'Argent (impôts, banques)' }).click();
    await page.getByRole('button', { name: 'Continuer' }).click();
    await expect(page.locator('.fr-text--lead').textContent()).resolves.toContain(
      'Vous allez agir pour Marie-Thérèse Hélène Lefèvre-Ndiaye sur Service public de démonstration pour la démarche Argent (impôts, banques)',
    );
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirmer et me connecter' }).click();

    // Back on the public service, which shows what it received.
    await page.waitForURL((url) => url.href.startsWith(demo.url));
    await expect(page.locator('h1').textContent()).resolves.toBe('Vous êtes connecté');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Marie-Thérèse Hélène');
    expect(text).toContain('Lefèvre-Ndiaye');
    expect(text).toContain('Camille');
    expect(text).toContain('money');
    expect(text).toContain('eidas1');

    // RP-initiated logout: Relais asks in French, then sends the browser back to the service.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${issuer}/oidc/`));
    await expect(page.locator('h1').textContent()).resolves.toContain('Se déconnecter');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Oui, me déconnecter' }).click();
    await page.waitForURL(`${demo.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Service public de démonstration');
  }, 90_000);

  it('three delegated logins in a row in one browser without JavaScript (Marie, Paul, Marie): each goes straight through and its ID token names the right citizen, mandate and area', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // Every page the provider itself answers with (not a redirect) during the logins.
    const providerPages: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${issuer}/oidc/`) && response.status() < 300) providerPages.push(response.url());
    });

    const logins = [
      { citizen: marie, name: 'Marie-Thérèse Hélène Lefèvre-Ndiaye', givenName: 'Marie-Thérèse Hélène', area: 'money' },
      { citizen: paul, name: 'Paul Ferrand', givenName: 'Paul', area: 'papers' },
      {
        citizen: marie,
        name: 'Marie-Thérèse Hélène Lefèvre-Ndiaye',
        givenName: 'Marie-Thérèse Hélène',
        area: 'papers',
      },
    ];
    const subs: string[] = [];
    for (const [index, login] of logins.entries()) {
      await page.goto(`${demo.url}/connexion`);
      if (index === 0) {
        await page.waitForURL(/\/connexion$/);
        await logInInBrowser(app, page, aide);
      }
      await page.waitForURL(/\/delegation\/[\w-]+$/);
      await page.getByRole('link', { name: login.name }).click();
      if (login.citizen === marie) {
        await page.locator('label', { hasText: login.area === 'money' ? 'Argent' : 'Papiers' }).click();
        await page.getByRole('button', { name: 'Continuer' }).click();
      }
      await page.getByRole('button', { name: 'Confirmer et me connecter' }).click();
      await page.waitForURL(`${demo.url}/compte`);
      await expect(page.locator('h1').textContent()).resolves.toBe('Vous êtes connecté');
      const idToken = JSON.parse((await page.locator('details.raw pre code').first().textContent()) ?? '{}');
      expect(idToken).toMatchObject({
        given_name: login.givenName,
        mandate_id: login.citizen.mandateId,
        procedure_area: login.area,
        act: { sub: aide.aideId },
      });
      subs.push(idToken.sub);
    }
    // The citizen's sub at this service: Marie's the same both times (pairwise), Paul's another.
    expect(subs[0]).toBe(subs[2]);
    expect(subs[1]).not.toBe(subs[0]);
    expect(subs[0]).toMatch(/^[\w-]{43}$/);
    // No provider page in between (no logout form, no "Submitting Callback"): only redirects.
    expect(providerPages).toEqual([]);

    // A service asking for form_post: the provider's auto-submitting page is a Relais page with a
    // visible button (no JavaScript here).
    const { url } = await authorizationRequest(await relyingParty(issuer, credentials), `${demo.url}/callback`, {
      response_mode: 'form_post',
    });
    await page.goto(url.href);
    await page.getByRole('link', { name: 'Paul Ferrand' }).click();
    await page.getByRole('button', { name: 'Confirmer et me connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Retour sur Service public de démonstration');
    await expect(page.getByRole('button', { name: 'Continuer' }).isVisible()).resolves.toBe(true);
    await context.close();
  }, 120_000);

  it('the form_post page passes axe (WCAG 2.2 AA)', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const { url } = await authorizationRequest(await relyingParty(issuer, credentials), `${demo.url}/callback`, {
      response_mode: 'form_post',
    });
    await page.goto(url.href);
    await page.waitForURL(/\/connexion$/);
    await logInInBrowser(app, page, aide);
    await page.waitForURL(/\/delegation\/[\w-]+$/);
    await page.getByRole('link', { name: 'Paul Ferrand' }).click();
    await page.getByRole('button', { name: 'Confirmer et me connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Retour sur Service public de démonstration');
    await expectAccessible(page);
    await context.close();
  }, 90_000);
});
