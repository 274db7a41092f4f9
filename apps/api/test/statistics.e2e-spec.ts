import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  accessibilityViolations,
  createTestEnvironment,
  launchBrowser,
  seedActivity,
  seedStructure,
  type TestEnvironment,
} from '@relais/testing';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createApi } from '../src/create-api.js';

describe('public statistics pages', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await createApi();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const db = app.get(DataSource);
    // Given 12 people helped in Paris (2 logins each), 10 in Lyon and 3 in Mende (too few to publish)
    const recently = new Date(Date.now() - 3600_000);
    await seedActivity(db, await seedStructure(db, '12 rue de Belleville, 75020 Paris'), recently, 12, 2);
    await seedActivity(db, await seedStructure(db, '4 rue de la République, 69001 Lyon'), recently, 10);
    await seedActivity(db, await seedStructure(db, '1 place du Village, 48000 Mende'), recently, 3);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('shows the figures to anyone, without login, with small counts masked and no personal data', async () => {
    const response = await request(app.getHttpServer()).get('/statistiques').set('accept', 'text/html');

    expect(response.status).toBe(200);
    expect(response.text).toContain('Statistiques publiques');
    expect(response.text).toContain('75 — Paris');
    expect(response.text).toContain('48 — Lozère');
    expect(response.text).toContain('69 — Rhône');
    expect(response.text).toContain('moins de 5');
    expect(response.text).toMatch(/<svg [^>]*role="img"/);
    expect(response.text).not.toMatch(/Personnelle|Nominative|aide-[0-9a-f-]+@example\.fr/);
  });

  it('offers the same figures as CSV: UTF-8 with a BOM, semicolons, masked cells named', async () => {
    const response = await request(app.getHttpServer()).get('/statistiques/donnees.csv').buffer(true);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('relais-statistiques.csv');
    expect(response.text.charCodeAt(0)).toBe(0xfeff);
    const rows = response.text.slice(1).trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'periode;departement;delegated_logins;people_helped;mandates_created;mandates_in_force;active_aides;active_structures',
    );
    expect(rows).toHaveLength(2 + 12 + 3 + 1);
    // Mende's 3 is masked, and Lyon's 10 with it (else the total minus the others would give Mende's)
    const cells = (label: string) =>
      rows
        .find((row) => row.includes(label))!
        .split(';')
        .slice(2, 4);
    expect(cells('48 — Lozère')).toEqual(['masqué', 'masqué']);
    expect(cells('69 — Rhône')).toEqual(['masqué', 'masqué']);
    expect(cells('75 — Paris')).toEqual(['24', '12']);
    const total = rows[rows.length - 1].split(';');
    expect(total.slice(1, 4)).toEqual(['France entière', '37', '25']);
    expect(response.text).not.toMatch(/Personnelle|Nominative/);
  });

  it.each([
    ['a desktop screen', { width: 1280, height: 900 }],
    ['a 320 px wide phone', { width: 320, height: 640 }],
  ])(
    'reads well on %s: no accessibility violation, no horizontal scrolling',
    async (_label, viewport) => {
      const context = await browser.newContext({ locale: 'fr-FR', viewport });
      const page = await context.newPage();

      await page.goto(`${baseUrl}/statistiques`);

      expect(await accessibilityViolations(page)).toEqual([]);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      await context.close();
      expect(overflow).toBeLessThanOrEqual(0);
    },
    90_000,
  );
});
