import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ConsentChannel,
  ConsentService,
  MandateDuration,
  MandateQueries,
  MandateRequests,
  MandateState,
  RevocationService,
} from '@relais/mandates';
import { ProcedureArea } from '@relais/structures';

const { Papers: PAPERS, Money: MONEY } = ProcedureArea;
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';

import { createMember, createStructure, startConsole } from './console-helpers.js';
import { franceConnectIdentity } from './franceconnect-identity.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * The list filter asks the database for the state (MANDATE_STATE_SQL); the page names it with
 * mandateState. Over mandates in every state, at every instant where one of them changes state
 * (and a millisecond either side), both must agree exactly.
 */
describe('mandates: the list filter returns exactly the mandates mandateState names', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let structureId: string;
  let aideId: string;
  let citizens = 0;
  let instants: Date[];

  async function requested(areas: ProcedureArea[], duration = MandateDuration.SixMonths) {
    const { mandate } = await app.get(MandateRequests).request({
      structureId,
      aideId,
      areas,
      duration,
      channel: ConsentChannel.SameDevice,
    });
    return mandate.id;
  }

  async function identified(mandateId: string, sub = `state-filter-${(citizens += 1)}`) {
    const identity = franceConnectIdentity({ sub, givenName: 'Personne', familyName: `Numéro ${sub}` });
    return { citizen: await app.get(MandateRequests).identify(mandateId, identity), identity };
  }

  /** A mandate consented at `at` (the consent's own clock), by a new citizen or the one named by `sub`. */
  async function consented(
    areas: ProcedureArea[],
    options: { at?: Date; sub?: string; duration?: MandateDuration } = {},
  ) {
    const at = options.at ?? new Date();
    const mandateId = await requested(areas, options.duration);
    const { citizen, identity } = await identified(mandateId, options.sub);
    const consents = app.get(ConsentService);
    const page = await consents.page(mandateId, citizen.id, at);
    const outcome = await consents.consent(
      {
        mandateId,
        citizenId: citizen.id,
        textVersion: page.text.version,
        textDigest: page.textDigest,
        identification: identity,
      },
      at,
    );
    expect(outcome).not.toBe('text_changed');
    return mandateId;
  }

  const revoke = (mandateId: string, area?: ProcedureArea) =>
    app.get(RevocationService).revoke({ structureId, mandateId, aideId, area });

  /** Ids the filter returns, and ids mandateState names, for `state` at `now`. */
  async function both(state: MandateState, now: Date) {
    const queries = app.get(MandateQueries);
    const filtered = await queries.list(structureId, { state }, now);
    const all = await queries.list(structureId, {}, now);
    expect(all.total).toBeLessThan(50);
    return {
      filtered: filtered.items.map((item) => item.mandate.id).sort(),
      named: all.items
        .filter((item) => item.state === state)
        .map((item) => item.mandate.id)
        .sort(),
      total: filtered.total,
    };
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    db = app.get(DataSource);
    structureId = await createStructure(app, 'France Services des états');
    aideId = (await createMember(app, structureId, 'aidant.etats@example.fr')).aideId;

    // Pending: asked, not identified; and identified, not decided.
    await requested([PAPERS]);
    await identified(await requested([PAPERS]));
    // Refused.
    const refused = await requested([PAPERS]);
    await app.get(ConsentService).refuse(refused, (await identified(refused)).citizen.id);
    // Current.
    await consented([PAPERS, MONEY]);
    // Not yet started: consented by a clock one hour ahead.
    await consented([PAPERS], { at: new Date(Date.now() + HOUR) });
    // Partly revoked: one area of two stopped.
    await revoke(await consented([PAPERS, MONEY]), MONEY);
    // Revoked: every area, one after the other (the mandate's status follows), and at once.
    const areaByArea = await consented([PAPERS, MONEY]);
    await revoke(areaByArea, MONEY);
    await revoke(areaByArea, PAPERS);
    await revoke(await consented([MONEY]));
    // Replaced: every area (status still active, nothing usable), and one area of two.
    await consented([PAPERS], { sub: 'replaced-whole' });
    await consented([PAPERS], { sub: 'replaced-whole' });
    await consented([PAPERS, MONEY], { sub: 'replaced-part' });
    await consented([MONEY], { sub: 'replaced-part' });
    // Expired: past its end with status still active (the worker has not run), and processed.
    await consented([PAPERS], { at: new Date(Date.now() - 3 * DAY), duration: MandateDuration.OneDay });
    const processed = await consented([MONEY], {
      at: new Date(Date.now() - 3 * DAY),
      duration: MandateDuration.OneDay,
    });
    await db.query("UPDATE mandates SET status = 'expired' WHERE id = $1", [processed]);

    // Every instant where something changes, a millisecond either side, now and far ahead.
    const rows: { at: Date }[] = await db.query(
      `SELECT starts_at AS at FROM mandates WHERE structure_id = $1 AND starts_at IS NOT NULL
       UNION SELECT expires_at FROM mandates WHERE structure_id = $1 AND expires_at IS NOT NULL
       UNION SELECT revoked_at FROM mandate_procedures WHERE structure_id = $1 AND revoked_at IS NOT NULL`,
      [structureId],
    );
    instants = [
      new Date(),
      new Date(Date.now() + 400 * DAY),
      ...rows.flatMap(({ at }) => [-1, 0, 1].map((shift) => new Date(at.getTime() + shift))),
    ];
  });

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('has mandates in every state today', async () => {
    const today = await app.get(MandateQueries).list(structureId, {}, new Date());
    expect(new Set(today.items.map((item) => item.state))).toEqual(new Set(Object.values(MandateState)));
  });

  it.each(Object.values(MandateState))(
    'filters "%s" exactly as mandateState names it, at every instant',
    async (state) => {
      let seen = 0;
      for (const now of instants) {
        const { filtered, named, total } = await both(state, now);
        expect({ now, ids: filtered }).toEqual({ now, ids: named });
        expect(total).toBe(named.length);
        seen += named.length;
      }
      expect(seen).toBeGreaterThan(0);
    },
  );

  it('tells "current" from "partly revoked"', async () => {
    const now = new Date();
    const current = await both(MandateState.Current, now);
    const partly = await both(MandateState.PartlyRevoked, now);
    expect(current.filtered.length).toBeGreaterThan(0);
    expect(partly.filtered.length).toBeGreaterThan(0);
    expect(current.filtered.filter((id) => partly.filtered.includes(id))).toEqual([]);
  });

  it('agrees too once the structure is deactivated', async () => {
    await db.query('UPDATE structures SET active = false WHERE id = $1', [structureId]);
    try {
      for (const state of Object.values(MandateState)) {
        for (const now of instants.slice(0, 6)) {
          const { filtered, named } = await both(state, now);
          expect({ state, now, ids: filtered }).toEqual({ state, now, ids: named });
        }
      }
    } finally {
      await db.query('UPDATE structures SET active = true WHERE id = $1', [structureId]);
    }
  });
});
