import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { StructureRequestsService } from '@relais/onboarding';
import {
  accessibilityViolations,
  createTestEnvironment,
  launchBrowser,
  type TestEnvironment,
  testSiret,
} from '@relais/testing';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { createMember, createStructure, logInInBrowser, startConsole } from './console-helpers.js';

/** The onboarding pages in Chromium: axe (WCAG 2.2 A/AA) and no sideways scrolling at 320 px. */
describe('onboarding pages in a real browser', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  let db: DataSource;

  async function newPage(width = 1280): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
    return context.newPage();
  }

  /**
   * Accessible, and at 320 px wide the page's own content (main) fits: nothing of it reaches past
   * the screen's edge (a data table scrolls inside its own frame, as WCAG 1.4.10 allows). The
   * shared header and the whole-page walk at 320 px and 200 % are the reflow test's (issue 14 item 5).
   */
  async function expectGood(page: Page) {
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 320, height: 900 });
    const wide = await page.evaluate(
      `[...document.querySelectorAll('main *')]
        .filter((e) => !e.closest('.fr-table') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right))`,
    );
    expect({ url: page.url(), wide }).toEqual({ url: page.url(), wide: [] });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    db = app.get(DataSource);
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('the request form, its mistakes and the page sent', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/rejoindre`);
    await expect(page.title()).resolves.toBe('Rejoindre Relais — Relais');
    await expectGood(page);

    // A mistake: the summary takes the focus, each field says what is wrong, what was typed stays
    await page.locator('#siret').fill('123');
    await page.locator('#name').fill('Espace numérique');
    await page.locator('#supervisorEmail').fill('awa@example.fr');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    // The answer page may still be loading when the click returns: wait for its summary first.
    await page.waitForSelector('#erreurs');
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('erreurs');
    await expect(page.locator('#siret-erreur').textContent()).resolves.toContain('14 chiffres');
    await expect(page.locator('#name').inputValue()).resolves.toBe('Espace numérique');
    await expectGood(page);

    await page.locator('#siret').fill(testSiret());
    await page.locator('#address').fill('3 place de la Mairie, 59000 Lille');
    await page.locator('#type').selectOption('town_hall');
    await page.locator('label[for="area-family"]').click();
    await page.locator('#supervisorGivenName').fill('Awa');
    await page.locator('#supervisorFamilyName').fill('Diallo');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.getByRole('heading', { level: 1, name: 'Demande enregistrée' }).waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Demande enregistrée');
    await expectGood(page);
  }, 90_000);

  it('the operator list and detail, the import form and its preview', async () => {
    const requests = app.get(StructureRequestsService);
    const request = await requests.create(
      {
        siret: testSiret(),
        name: 'Centre social des Trois Rivières',
        address: '10 avenue de la Gare, 93200 Saint-Denis',
        type: 'social_services',
        areas: ['social', 'housing'],
        supervisorGivenName: 'Awa',
        supervisorFamilyName: 'Diallo',
        supervisorEmail: 'awa.browser@example.fr',
        plannedAides: 'Léa ; Martin ; lea.browser@example.fr ; oui',
      },
      { submit: true },
    );
    const home = await createStructure(app, 'France Services Navigateur');
    const supervisor = await createMember(app, home, 'resp.navigateur@example.fr', MembershipRole.Supervisor);
    await db.query('UPDATE aides SET operator = true WHERE id = $1', [supervisor.aideId]);

    const page = await newPage();
    await logInInBrowser(app, page, supervisor, `${baseUrl}/connexion`);
    await page.goto(`${baseUrl}/operateur/demandes?etat=submitted&departement=93`);
    await expect(page.getByRole('link', { name: 'Centre social des Trois Rivières' }).count()).resolves.toBe(1);
    await expectGood(page);
    await page.goto(`${baseUrl}/operateur/demandes/${request.id}`);
    await expectGood(page);

    await page.goto(`${baseUrl}/responsable/import-aidants`);
    await expectGood(page);
    const csv =
      'Prénom;Nom;Adresse électronique;Rôle;Formé\nNina;Petit;nina.browser@example.fr;aidant;oui\nZoé;Sans;zoe;aidant;non\n';
    await page
      .getByLabel(/Fichier des aidants/)
      .setInputFiles({ name: 'aidants.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Vérifier l’import' }).waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Vérifier l’import');
    await expect(page.locator('.relais-import-problems').textContent()).resolves.toContain(
      'Ligne 3 (zoe) : L’adresse électronique « zoe » n’est pas valide.',
    );
    await expectGood(page);
    await page.getByRole('button', { name: 'Confirmer et inviter 1 personne' }).click();
    await expect(page.locator('.relais-import-result').textContent()).resolves.toContain('1 personne invitée');
    await expectGood(page);
  }, 120_000);
});
