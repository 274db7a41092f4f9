import { MembershipRole } from '@relais/aides';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { accessibilityViolations, createTestEnvironment, launchBrowser, type TestEnvironment } from '@relais/testing';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { createMember, createStructure, logInInBrowser, startConsole, type TestMember } from './console-helpers.js';

/**
 * A form sent with a mistake comes back filled in, the summary first (focused), the message next
 * to the field — in Chromium, with and without JavaScript, checked by axe.
 */
describe('console forms with a mistake, in a real browser (Chromium + axe)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  let aide: TestMember;
  let supervisor: TestMember;
  const contexts: BrowserContext[] = [];

  /** DSFR checkboxes and radios are ticked through their label, as a person does. */
  const tick = (page: Page, label: string | RegExp) => page.locator('label', { hasText: label }).first().click();
  const focusedId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id');

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    return page;
  }

  async function loggedIn(member: TestMember, options: BrowserContextOptions = {}): Promise<Page> {
    const page = await openPage(options);
    await logInInBrowser(app, page, member, `${baseUrl}/connexion`);
    await page.waitForURL(/\/espace$/);
    return page;
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const structureId = await createStructure(app, 'Maison France Services de Belleville');
    aide = await createMember(app, structureId, 'aidant.formulaires@example.fr');
    supervisor = await createMember(app, structureId, 'responsable.formulaires@example.fr', MembershipRole.Supervisor);
    await app
      .get(DataSource)
      .query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
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

  it('given the mandate form with no area ticked, when it is sent, then "Choisissez au moins une démarche." shows next to the areas and the duration stays chosen', async () => {
    const page = await loggedIn(aide);
    await page.goto(`${baseUrl}/mandats/nouveau`);
    await tick(page, '12 mois');
    await tick(page, /À distance, avec un lien/);

    await page.getByRole('button', { name: 'Continuer' }).click();

    await page.waitForSelector('#erreurs');
    const areas = page.locator('fieldset#areas');
    await expect(areas.getAttribute('class')).resolves.toContain('fr-fieldset--error');
    await expect(areas.locator('#areas-erreur').textContent()).resolves.toBe('Choisissez au moins une démarche.');
    await expect(areas.getAttribute('aria-labelledby')).resolves.toBe('areas-legend areas-erreur');
    await expect(page.getByLabel('12 mois').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel(/À distance, avec un lien/).isChecked()).resolves.toBe(true);
    await expect(page.locator('#erreurs a[href="#areas"]').textContent()).resolves.toBe(
      'Choisissez au moins une démarche.',
    );
    await expect(focusedId(page)).resolves.toBe('erreurs');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('given JavaScript is disabled, when the mandate form is sent with no area, then the summary takes the focus and the form comes back filled in', async () => {
    const page = await loggedIn(aide, { javaScriptEnabled: false });
    await page.goto(`${baseUrl}/mandats/nouveau`);
    await tick(page, '1 mois');

    await page.getByRole('button', { name: 'Continuer' }).click();

    await page.waitForSelector('#erreurs');
    await expect(page.locator('#erreurs h2').textContent()).resolves.toBe('Le formulaire contient une erreur');
    await expect(focusedId(page)).resolves.toBe('erreurs');
    await expect(page.getByLabel('1 mois').isChecked()).resolves.toBe(true);
    await expect(page.locator('#areas-erreur').textContent()).resolves.toBe('Choisissez au moins une démarche.');
  });

  it('given a wrong password, when the login form is sent, then the address stays, the password does not, and the summary says why', async () => {
    const page = await openPage();
    await page.goto(`${baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill(aide.email);
    await page.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');

    await page.getByRole('button', { name: 'Continuer' }).click();

    await page.waitForSelector('#erreurs');
    await expect(page.getByLabel('Adresse électronique').inputValue()).resolves.toBe(aide.email);
    await expect(page.getByLabel('Mot de passe').inputValue()).resolves.toBe('');
    await expect(page.locator('#erreurs p').textContent()).resolves.not.toBe('');
    await expect(focusedId(page)).resolves.toBe('erreurs');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('given an address without a domain, when a supervisor sends the invitation form, then the message is under the address, which is kept with the role', async () => {
    const page = await loggedIn(supervisor);
    await page.goto(`${baseUrl}/responsable/aidants`);
    // Chromium accepts "nom@structure" as an e-mail address; Relais wants a domain.
    await page.getByLabel('Adresse électronique professionnelle').fill('nouvelle.personne@structure');
    await tick(page, 'Responsable de structure');

    await page.getByRole('button', { name: 'Créer le lien d’invitation' }).click();

    await page.waitForSelector('#erreurs');
    const email = page.getByLabel('Adresse électronique professionnelle');
    await expect(email.inputValue()).resolves.toBe('nouvelle.personne@structure');
    await expect(email.getAttribute('aria-describedby')).resolves.toBe('email-erreur');
    await expect(page.locator('#email-erreur').textContent()).resolves.toBe(
      'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.',
    );
    await expect(page.getByLabel('Responsable de structure').isChecked()).resolves.toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('given a logged-in aide, when a console page is shown, then the header names them and their structure and logs them out', async () => {
    const page = await loggedIn(aide);
    await page.goto(`${baseUrl}/mandats`);

    const header = page.locator('header .fr-header__tools');
    await expect(header.textContent()).resolves.toMatch(
      /Connecté : Camille Martin, pour Maison France Services de Belleville/,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await header.getByRole('button', { name: 'Se déconnecter' }).click();

    await page.waitForURL(/\/connexion\?deconnecte=1$/);
    await expect(page.locator('header .fr-header__tools').count()).resolves.toBe(0);
  });
});
