import type { NestExpressApplication } from '@nestjs/platform-express';
import { DomainException } from '@relais/exceptions';
import type { PublicService } from '@relais/public-services';
import { accessibilityViolations, launchBrowser } from '@relais/testing';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { createMember, createStructure } from './console-helpers.js';
import { delegatedLogin, mandateFor, publicService, type RunningPortal, startPortal } from './portal-helpers.js';

/** The focused element's text and outline (a string: the test's TypeScript has no DOM types). */
const FOCUSED = `(() => {
  const element = document.activeElement;
  if (!element) return null;
  const style = getComputedStyle(element);
  return { text: (element.innerText || '').trim(), outline: style.outlineStyle, width: style.outlineWidth };
})()`;

/** When the page scrolls sideways, the elements of the main content that stick out (else none). */
const OVERFLOWING = `document.documentElement.scrollWidth <= document.documentElement.clientWidth ? [] :
  [...document.querySelectorAll('main *')]
    .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((element) => element.tagName.toLowerCase() + '.' + [...element.classList].join('.'))`;

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const NARROW = { viewport: { width: 320, height: 640 } };
/** 200 % zoom of a 1280 px window: 640 CSS pixels at twice the density. */
const ZOOMED = { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 };

describe('citizen portal in Chromium (axe at 1280 px, 320 px, 200 % zoom; keyboard only; without JavaScript)', () => {
  let portal: RunningPortal;
  let sandbox: RunningPortal['sandbox'];
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  let place: { structureId: string; aideId: string };
  let service: PublicService;
  let marie: { mandateId: string; citizenId: string };

  const expectAccessible = async (page: Page) => expect(await accessibilityViolations(page)).toEqual([]);
  /** Nothing wider than the window (reflow, WCAG 1.4.10): the elements that overflow are named. */
  const expectNoHorizontalScroll = async (page: Page) => expect(await page.evaluate<string[]>(OVERFLOWING)).toEqual([]);

  async function open(options: BrowserContextOptions) {
    const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  /** Through the portal's login page and the sandbox, as Marie-Thérèse (or another test identity). */
  async function logIn(page: Page, identity = /Choisir Marie-Thérèse/) {
    await page.goto(`${baseUrl}/usager`);
    await page.waitForURL(/\/usager\/connexion$/);
    await page.getByRole('link', { name: /S’identifier avec FranceConnect/ }).click();
    await page.getByRole('button', { name: identity }).click();
  }

  /** Tab until the element named `name` has the focus, checking the focus is visible there. */
  async function tabTo(page: Page, name: string) {
    const seen: string[] = [];
    for (let presses = 0; presses < 60; presses += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<{ text: string; outline: string; width: string } | null>(FOCUSED);
      seen.push(focused?.text ?? '(none)');
      if (focused?.text.includes(name)) {
        expect(focused.outline).not.toBe('none');
        expect(focused.width).not.toBe('0px');
        return;
      }
    }
    throw new Error(`"${name}" cannot be reached with Tab on ${page.url()}; focus went to: ${seen.join(' | ')}`);
  }

  beforeAll(async () => {
    portal = await startPortal();
    ({ app, baseUrl, sandbox } = portal);
    const db = app.get(DataSource);
    const structureId = await createStructure(app, 'Maison France Services de Belleville');
    const aide = await createMember(app, structureId, 'aidant.portail.navigateur@example.fr');
    await db.query("UPDATE structures SET areas = '{papers,family,money}' WHERE id = $1", [structureId]);
    await db.query("UPDATE aides SET given_name = 'Camille', family_name = 'Martin' WHERE id = $1", [aide.aideId]);
    place = { structureId, aideId: aide.aideId };
    service = await publicService(app, 'Service public de démonstration', ['papers', 'money', 'family']);
    marie = await mandateFor(app, place, 'marie-therese', ['papers', 'money', 'family']);
    await delegatedLogin(app, place, service, { citizenId: marie.citizenId, area: 'papers' });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('Marie-Thérèse logs in, sees her mandate and its use, stops one area (refused at once), and logs out of FranceConnect too', async () => {
    const page = await open(DESKTOP);
    await page.goto(`${baseUrl}/usager`);
    await page.waitForURL(/\/usager\/connexion$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Voir mes mandats');
    await expectAccessible(page);
    await logIn(page);

    await page.waitForURL(`${baseUrl}/usager`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Mes mandats');
    const home = (await page.locator('main').textContent()) ?? '';
    expect(home).toContain('Maison France Services de Belleville');
    expect(home).toMatch(/dans [56] mois/);
    expect(home).toContain('En cours');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Voir ce qui a été fait pour moi' }).click();
    const use = (await page.locator('.relais-portal__uses li').first().textContent())!.replace(/\s+/g, ' ');
    expect(use).toContain('Camille Martin (Maison France Services de Belleville) s’est connecté pour vous à');
    expect(use).toContain('Service public de démonstration, pour la démarche Papiers et citoyenneté');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Arrêter la démarche Papiers et citoyenneté' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Arrêter la démarche Papiers et citoyenneté ?');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Oui, j’arrête' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('C’est fait : c’est arrêté');
    await expectAccessible(page);
    await expect(
      delegatedLogin(app, place, service, { citizenId: marie.citizenId, area: 'papers' }),
    ).rejects.toBeInstanceOf(DomainException);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: /Télécharger l’attestation d’arrêt/ }).click();
    expect((await download).suggestedFilename()).toMatch(/^attestation-revocation-.+\.pdf$/);

    await page.getByRole('button', { name: 'Me déconnecter' }).click();
    await page.waitForURL((url) => url.href.startsWith(sandbox.issuer));
    await page.getByRole('button', { name: 'Me déconnecter' }).click();
    await page.waitForURL(/\/usager\/au-revoir(\?|$)/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Vous êtes déconnecté');
    await expectAccessible(page);
  }, 120_000);

  it.each([
    ['320 px wide', NARROW],
    ['200 % zoom', ZOOMED],
  ])(
    'at %s, every portal page passes axe and needs no horizontal scrolling',
    async (_name, size) => {
      const page = await open(size);
      await page.goto(`${baseUrl}/usager/connexion`);
      await expectAccessible(page);
      await expectNoHorizontalScroll(page);
      await logIn(page);
      await page.waitForURL(`${baseUrl}/usager`);
      for (const path of [
        '/usager',
        `/usager/mandats/${marie.mandateId}`,
        `/usager/mandats/${marie.mandateId}/arret?demarche=family`,
        `/usager/mandats/${marie.mandateId}/arret`,
      ]) {
        await page.goto(`${baseUrl}${path}`);
        await expectAccessible(page);
        await expectNoHorizontalScroll(page);
      }
    },
    120_000,
  );

  it('with the keyboard only, every action is reached with Tab and done with Enter, the focus visible', async () => {
    const page = await open(DESKTOP);
    await page.goto(`${baseUrl}/usager/connexion`);
    await tabTo(page, 'FranceConnect');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /Choisir Marie-Thérèse/ }).click();
    await page.waitForURL(`${baseUrl}/usager`);

    await tabTo(page, 'Télécharger l’attestation du mandat');
    await tabTo(page, 'Voir ce qui a été fait pour moi');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/usager\/mandats\/[\w-]+$/);
    await tabTo(page, 'Arrêter la démarche Argent');
    await page.keyboard.press('Enter');
    await page.waitForURL(/demarche=money$/);
    await tabTo(page, 'Oui, j’arrête');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/arret$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('C’est fait : c’est arrêté');
    await tabTo(page, 'Télécharger l’attestation d’arrêt');
    await tabTo(page, 'Revenir à mes mandats');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/usager`);
    await tabTo(page, 'Me déconnecter');
  }, 120_000);

  it('without JavaScript, she logs in, reads the history and stops the whole mandate', async () => {
    const page = await open({ ...DESKTOP, javaScriptEnabled: false });
    await logIn(page);
    await page.waitForURL(`${baseUrl}/usager`);

    await page.getByRole('link', { name: 'Voir ce qui a été fait pour moi' }).click();
    await expect(page.locator('h2', { hasText: 'Ce qui a été fait pour moi' }).count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Arrêter tout le mandat' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Arrêter tout le mandat ?');
    await page.getByRole('button', { name: 'Oui, j’arrête' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('C’est fait : c’est arrêté');
    await page.getByRole('link', { name: 'Revenir à mes mandats' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('Révoqué');
  }, 120_000);

  it('a person with no mandate gets a plain page, accessible at 320 px, with the way to help nearby', async () => {
    const page = await open(NARROW);
    await logIn(page, /Choisir Éloïse/);

    await expect(page.locator('h1').textContent()).resolves.toBe('Vous n’avez pas de mandat');
    await expect(page.getByRole('link', { name: 'Trouver un lieu près de chez vous' }).count()).resolves.toBe(1);
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);
  }, 60_000);
});
