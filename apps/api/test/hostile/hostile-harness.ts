import fc from 'fast-check';
import type request from 'supertest';
import type { DataSource } from 'typeorm';

import { type HostileCase, hostileCases, hostileString } from './hostile-values.js';

type Agent = ReturnType<typeof request.agent>;

export interface Answer {
  status: number;
  type: string;
  text: string;
}

/** Whoever sends the cases: a supertest agent holding a console session, or a cookie header. */
export interface HostileClient {
  send(method: 'GET' | 'POST', path: string, body?: { type: string; data: string }): Promise<Answer>;
}

const BROWSER = 'text/html,application/xhtml+xml';

export function agentClient(agent: Agent, accept = BROWSER): HostileClient {
  return {
    async send(method, path, body) {
      const call = method === 'GET' ? agent.get(path) : agent.post(path);
      call
        .set('accept', accept)
        .redirects(0)
        .ok(() => true);
      const response = body ? await call.set('content-type', body.type).send(body.data) : await call;
      return { status: response.status, type: response.type, text: response.text ?? '' };
    },
  };
}

/** A client for a server listening at `baseUrl` with the cookies `cookie()` gives (e.g. a portal visitor's). */
export function fetchClient(baseUrl: string, cookie: () => string, accept = BROWSER): HostileClient {
  return {
    async send(method, path, body) {
      const response = await fetch(new URL(path, baseUrl), {
        method,
        redirect: 'manual',
        headers: { accept, cookie: cookie(), ...(body ? { 'content-type': body.type } : {}) },
        body: body?.data,
      });
      return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
    },
  };
}

/** UTF-8 percent-encoding that survives lone surrogates (encodeURIComponent throws on them). */
export function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

/** A form body or a query string, checkboxes repeating their name; non-text JSON values become text. */
export function urlEncoded(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (one) => `${percentEncode(name)}=${percentEncode(typeof one === 'string' ? one : (JSON.stringify(one) ?? ''))}`,
      ),
    )
    .join('&');
}

/** Row count and checksum of every table: what "nothing was stored" is checked against. */
export async function databaseFingerprint(db: DataSource): Promise<Record<string, string>> {
  const tables: { name: string }[] = await db.query(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const rows: { name: string; fingerprint: string }[] = await db.query(
    tables
      .map(
        ({ name }) =>
          `SELECT '${name}' AS name, count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS fingerprint FROM ${name} t`,
      )
      .join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.fingerprint]));
}

/** A line of a stack trace, a source path or a driver error: what a client must never read. */
export const LEAK =
  /\n\s+at \S+ \(|\bat (?:async )?[\w.<>]+ \([^)]*:\d+:\d+\)|node:internal|node_modules\/|\.[jt]s:\d+:\d+|QueryFailedError|TypeError:|ReferenceError:|SyntaxError:|EntityNotFound/;

/** The hostile texts of a case worth looking for in the page: markup-like, long enough not to occur by chance. */
export function markupValues(value: unknown): string[] {
  if (typeof value === 'string') {
    return /[<>"']/.test(value) && /[A-Za-z0-9]/.test(value) && value.length >= 5 ? [value] : [];
  }
  if (Array.isArray(value)) return value.flatMap(markupValues);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [...markupValues(k), ...markupValues(v)]);
  return [];
}

export interface HostileRoute {
  /** The DTO class the route validates (its name, as in the source). */
  dto: string;
  method: 'GET' | 'POST';
  /** The path, or the path for a hostile (or valid) path parameter. */
  path: string | ((param: string) => string);
  /** The valid value of the path parameter (when `path` is a function), read before each case. */
  param?: string | (() => string);
  client: () => HostileClient;
  /** The CSRF token of the client's session (POST forms). */
  csrf?: () => string;
  /** A valid input, field by field (without _csrf). */
  valid: Record<string, string | string[]>;
  /** Fields the DTO requires (default: every field of `valid`). */
  required?: string[];
  /** Run before each case (e.g. forget the login attempts counted so the DTO, not the rate limit, answers). */
  beforeEach?: () => Promise<void>;
  /** When an accepted case must be undone before the next (e.g. log back in). */
  afterAccepted?: () => Promise<void>;
  /**
   * Tables a refused case may change on purpose, and why: a wrong login code is counted
   * (aides.failed_logins, then a lockout and its journal entry), which is no partial record.
   */
  countsFailuresIn?: string[];
  /** No DTO: the route reads its few query values by name and ignores the others (no whitelist to refuse them). */
  withoutDto?: boolean;
  /** A file upload: the fields go in a multipart body beside this file, the CSRF token in the query. */
  upload?: { field: string; filename: string; content: string };
}

export interface DtoTally {
  cases: number;
  refused: number;
  accepted: number;
  routes: Set<string>;
  /** How many answers of each status. */
  statuses: Map<number, number>;
}

/** Cases per DTO, printed at the end of each file (CI shows how much was tried). */
export const tallies = new Map<string, DtoTally>();

export function printTallies(file: string): void {
  const lines = [...tallies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([dto, t]) =>
        `hostile-input ${dto}: ${t.cases} generated cases over ${t.routes.size} route(s) (${t.refused} refused with 4xx, ${t.accepted} accepted safely; ${[
          ...t.statuses,
        ]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')})`,
    );
  const total = [...tallies.values()].reduce((sum, t) => sum + t.cases, 0);
  console.log(`${file}\n${lines.join('\n')}\nhostile-input total: ${total} cases`);
}

/** The route's label in failures and in the summary. */
const label = (route: HostileRoute) =>
  `${route.method} ${typeof route.path === 'string' ? route.path : route.path(':param')}`;

/**
 * Sends `numRuns` generated cases to the route. Each answer must be below 500, carry no stack
 * trace, and not reflect a markup-like value raw; a refused case (4xx) — and any case the DTO
 * surely refuses — must leave every table as it was.
 */
export async function assertHostileRoute(route: HostileRoute, db: DataSource, numRuns: number): Promise<void> {
  const tally = tallies.get(route.dto) ?? {
    cases: 0,
    refused: 0,
    accepted: 0,
    routes: new Set<string>(),
    statuses: new Map<number, number>(),
  };
  tallies.set(route.dto, tally);
  tally.routes.add(label(route));
  // null: the route's valid parameter; a string: a hostile one.
  const params =
    typeof route.path === 'function'
      ? fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostileString })
      : fc.constant(null);
  const validParam = () => (typeof route.param === 'function' ? route.param() : (route.param ?? 'x'));
  const arbitrary = fc.tuple(hostileCases(route.valid, { required: route.required }), params);
  const outcome = await fc.check(
    fc.asyncProperty(arbitrary, async ([hostile, param]) => {
      await route.beforeEach?.();
      const before = withoutTables(await databaseFingerprint(db), route.countsFailuresIn);
      const path =
        typeof route.path === 'function'
          ? route.path(param === null ? validParam() : percentEncode(param))
          : route.path;
      const answer = await send(route, path, hostile);
      const where = `${label(route)} (${route.dto}) answered ${answer.status}`;
      tally.cases += 1;
      if (process.env.HOSTILE_DEBUG) {
        const summary = /<title>([^<]*)<\/title>|"message":"([^"]*)"/.exec(answer.text);
        console.log(
          `${where}: ${summary?.[1] ?? summary?.[2] ?? ''} ← ${JSON.stringify(hostile.fields).slice(0, 160)}`,
        );
      }
      tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500 || answer.status < 200) throw new Error(`${where}: ${answer.text.slice(0, 300)}`);
      const leak = LEAK.exec(answer.text);
      if (leak) throw new Error(`${where} with a stack trace or internal detail: ${leak[0]}`);
      if (answer.type.includes('html')) {
        const reflected = markupValues(hostile.fields).find((value) => answer.text.includes(value));
        if (reflected) throw new Error(`${where} reflecting ${JSON.stringify(reflected)} unescaped`);
      }
      // A query string carries text only: a "wrong type" arrives as its JSON text.
      const surelyInvalid =
        hostile.surelyInvalid &&
        !(route.method === 'GET' && hostile.kind === 'wrongType') &&
        !(route.withoutDto && hostile.kind === 'extra');
      const hostileParam = param !== null;
      if (surelyInvalid && (answer.status < 400 || answer.status >= 500)) {
        throw new Error(`${where} to a case its DTO must refuse: ${JSON.stringify(hostile.fields).slice(0, 200)}`);
      }
      if (answer.status >= 400) {
        tally.refused += 1;
        const after = withoutTables(await databaseFingerprint(db), route.countsFailuresIn);
        expect({ where, tables: after }).toEqual({ where, tables: before });
      } else {
        tally.accepted += 1;
        if (hostileParam || surelyInvalid) {
          expect(withoutTables(await databaseFingerprint(db), route.countsFailuresIn)).toEqual(before);
        }
        await route.afterAccepted?.();
      }
    }),
    { numRuns, endOnFailure: true },
  );
  if (outcome.failed) {
    // fast-check's own report prints the whole counterexample (up to 300 kB of text): a short one instead.
    const shown = JSON.stringify(outcome.counterexample, (_key, value: unknown) =>
      typeof value === 'string' && value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : value,
    );
    const cause =
      outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
    throw new Error(`${cause.slice(0, 1500)}\ncounterexample: ${shown.slice(0, 1500)}\nseed: ${outcome.seed}`);
  }
}

function withoutTables(fingerprint: Record<string, string>, tables: string[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(fingerprint).filter(([name]) => !tables.includes(name)));
}

function send(route: HostileRoute, path: string, hostile: HostileCase): Promise<Answer> {
  const client = route.client();
  const fields = route.method === 'POST' && route.csrf ? { _csrf: route.csrf(), ...hostile.fields } : hostile.fields;
  if (route.method === 'GET') {
    const query = urlEncoded(fields);
    return client.send('GET', query ? `${path}?${query}` : path);
  }
  if (route.upload)
    return client.send(
      'POST',
      `${path}?_csrf=${percentEncode(route.csrf?.() ?? '')}`,
      multipart(hostile.fields, route.upload),
    );
  if (hostile.encoding === 'json') {
    return client.send('POST', path, { type: 'application/json', data: JSON.stringify(fields) });
  }
  return client.send('POST', path, { type: 'application/x-www-form-urlencoded', data: urlEncoded(fields) });
}

/** A multipart/form-data body: each field (repeated for a list, JSON for a non-text value), then the file. */
function multipart(fields: Record<string, unknown>, upload: NonNullable<HostileRoute['upload']>) {
  const boundary = `----relais-hostile-${Math.random().toString(16).slice(2)}`;
  const quoted = (name: string) => name.replace(/["\r\n]/g, '_');
  const parts = Object.entries(fields).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map(
      (one) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${typeof one === 'string' ? one : JSON.stringify(one)}\r\n`,
    ),
  );
  const file = `--${boundary}\r\nContent-Disposition: form-data; name="${upload.field}"; filename="${upload.filename}"\r\nContent-Type: text/csv\r\n\r\n${upload.content}\r\n--${boundary}--\r\n`;
  return { type: `multipart/form-data; boundary=${boundary}`, data: parts.join('') + file };
}
