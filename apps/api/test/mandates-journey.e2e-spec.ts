import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  accessibilityViolations,
  createTestEnvironment,
  freePort,
  launchBrowser,
  startTestIdentitySandbox,
  type TestEnvironment,
  type TestIdentitySandbox,
} from '@relais/testing';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { createMember, createStructure, logInInBrowser, startConsole, type TestMember } from './console-helpers.js';

/** Where the journey leaves the attestation it downloaded, to look at it (pdftoppm) after a run. */
const JOURNEY_ATTESTATION = join(tmpdir(), 'relais-journey-attestation.pdf');

describe('mandate journey in a real browser (Chromium + axe): create, identify, consent, attestation, verify', () => {
  let env: TestEnvironment;
  let sandbox: TestIdentitySandbox;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  let aide: TestMember;

  /** DSFR checkboxes and radios are ticked through their label, as a person does. */
  const tick = (page: Page, label: string | RegExp) => page.locator('label', { hasText: label }).first().click();

  const expectAccessible = async (page: Page) => expect(await accessibilityViolations(page)).toEqual([]);

  async function logIn(page: Page) {
    page.setDefaultTimeout(8_000);
    await logInInBrowser(app, page, aide, `${baseUrl}/connexion`);
    await page.waitForURL(/\/espace$/);
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    sandbox = await startTestIdentitySandbox({ redirectUris: [`${baseUrl}/franceconnect/callback`] });
    Object.assign(process.env, { ISSUER: baseUrl, FRANCECONNECT_ISSUER: sandbox.issuer });
    app = await startConsole();
    await app.listen(port, '127.0.0.1');
    const structureId = await createStructure(app, 'Maison France Services de Belleville');
    aide = await createMember(app, structureId, 'aidant.navigateur@example.fr');
    await app
      .get(DataSource)
      .query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sandbox?.close();
    await env?.dispose();
    delete process.env.ISSUER;
  });

  it('the aide creates a mandate, the citizen consents on the same screen, the attestation verifies', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    await logIn(page);

    // The aide creates the mandate.
    await page.getByRole('link', { name: 'Mandats' }).first().click();
    await page.waitForURL(/\/mandats$/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Créer un mandat' }).click();
    await expectAccessible(page);
    await tick(page, 'Papiers et citoyenneté');
    await tick(page, 'Argent (impôts, banques)');
    await tick(page, '6 mois');
    await tick(page, /Ici, sur cet appareil/);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(/\/identification$/);
    await expectAccessible(page);

    // The citizen identifies with FranceConnect (the sandbox) and reads the consent text.
    await page.getByRole('link', { name: /S’identifier avec FranceConnect/ }).click();
    await page.getByRole('button', { name: /Choisir Marie-Thérèse/ }).click();
    await page.waitForURL(/\/consentement$/);
    await expectAccessible(page);
    await expect(page.locator('.relais-consent').textContent()).resolves.toContain(
      'Je suis Marie-Thérèse Hélène Lefèvre-Ndiaye.',
    );
    await expect(page.locator('.relais-consent').textContent()).resolves.toContain(
      'La personne qui m’aide aujourd’hui est Camille Martin.',
    );
    await page.getByRole('button', { name: 'Oui, je suis d’accord' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('C’est fait : votre accord est enregistré');
    await expectAccessible(page);

    // The citizen's copy of the attestation.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Télécharger mon attestation/ }).click(),
    ]);
    await download.saveAs(JOURNEY_ATTESTATION);

    // The aide's mandate page lists it with its code.
    await page.getByRole('link', { name: /voir le mandat/ }).click();
    await page.waitForURL(/\/mandats\/[0-9a-f-]{36}$/);
    await expectAccessible(page);
    const code = /code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec((await page.content()) ?? '')![1];

    // Anyone verifies it by code, then by uploading the file.
    const verifier = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await verifier.goto(`${baseUrl}/verify/${code}`);
    await expect(verifier.locator('.fr-alert__title').textContent()).resolves.toBe('Attestation authentique');
    await expectAccessible(verifier);
    await verifier.goto(`${baseUrl}/verify`);
    await expectAccessible(verifier);
    await verifier.getByLabel(/Fichier de l’attestation/).setInputFiles(JOURNEY_ATTESTATION);
    await verifier.getByRole('button', { name: 'Vérifier le fichier' }).click();
    await expect(verifier.locator('.fr-alert__title').textContent()).resolves.toBe('Attestation authentique');
    await expectAccessible(verifier);
  }, 60_000);

  it('the remote link pages and the refusal page are accessible too', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await logIn(page);
    await page.goto(`${baseUrl}/mandats/nouveau`);
    await tick(page, 'Argent (impôts, banques)');
    await tick(page, '1 mois');
    await tick(page, /À distance, avec un lien/);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Lien à transmettre à la personne');
    await expectAccessible(page);
    const link = (await page.locator('code.relais-key').textContent())!;

    const citizen = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await citizen.goto(link);
    await expectAccessible(citizen);
    await citizen.getByRole('link', { name: /S’identifier avec FranceConnect/ }).click();
    await citizen.getByRole('button', { name: /Choisir Youssef/ }).click();
    await citizen.waitForURL(/\/consentement$/);
    await citizen.getByRole('button', { name: 'Non, je refuse' }).click();
    await expect(citizen.locator('h1').textContent()).resolves.toBe('Vous avez refusé');
    await expectAccessible(citizen);

    // The link is spent.
    const again = await citizen.goto(link);
    expect(again!.status()).toBe(410);
    await expectAccessible(citizen);
  }, 60_000);
});
