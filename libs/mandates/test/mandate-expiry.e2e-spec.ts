import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { MandatesJob, QueueName } from '@relais/queue';
import {
  createTestEnvironment,
  insertActiveMandates,
  insertMandateOwners,
  type MandateOwners,
  type TestEnvironment,
} from '@relais/testing';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { MandatesModule } from '../src/mandates.module.js';
import { ExpiryScheduler, expiryJobId } from '../src/services/expiry-scheduler.service.js';
import { MandateExpiry } from '../src/services/mandate-expiry.service.js';
import { MandateQueries } from '../src/services/mandate-queries.service.js';
import { RevocationNotices } from '../src/services/revocation-notices.service.js';

const BATCH = 7;
const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const days = (n: number) => minutes(n * 24 * 60);

describe('mandates: expiry and revocation follow-up', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let db: DataSource;
  let queue: Queue;
  let expiry: MandateExpiry;
  let scheduler: ExpiryScheduler;
  let owners: MandateOwners;

  const status = async (id: string) => (await db.query('SELECT status FROM mandates WHERE id = $1', [id]))[0].status;
  const count = async (sql: string, parameters: unknown[] = []) => (await db.query(sql, parameters))[0].n as number;

  beforeAll(async () => {
    env = await createTestEnvironment();
    process.env.EXPIRY_BATCH_SIZE = String(BATCH);
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, MandatesModule],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
    queue = moduleRef.get(getQueueToken(QueueName.Mandates));
    expiry = moduleRef.get(MandateExpiry);
    scheduler = moduleRef.get(ExpiryScheduler);
  });

  beforeEach(async () => {
    owners = await insertMandateOwners(db);
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
    await db.query("UPDATE mandates SET status = 'revoked', revoked_at = now() WHERE status = 'active'");
  });

  afterAll(async () => {
    delete process.env.EXPIRY_BATCH_SIZE;
    await moduleRef?.close();
    await env?.dispose();
  });

  it('marks expired the mandates past their end, and leaves the others active', async () => {
    // Given a mandate that ended a minute ago and one that ends in a minute
    const [ended] = await insertActiveMandates(db, owners, 1, minutes(-1));
    const [running] = await insertActiveMandates(db, owners, 1, minutes(1));
    // When the expiry runs
    const run = await expiry.expireDue();
    // Then only the first is expired
    expect(run.expired).toBe(1);
    expect(await status(ended)).toBe('expired');
    expect(await status(running)).toBe('active');
  });

  it('records one mandate.expired event per mandate, by the system', async () => {
    // Given three mandates past their end
    const end = minutes(-1);
    const ids = await insertActiveMandates(db, owners, 3, end);
    // When the expiry runs
    await expiry.expireDue();
    // Then each has one event naming its structure, citizen and end (ISO 8601, UTC, milliseconds)
    const events = await db.query(
      `SELECT mandate_id, structure_id, citizen_id, actor_type, details FROM audit_outbox
        WHERE action = 'mandate.expired' AND mandate_id = ANY($1)`,
      [ids],
    );
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      structure_id: owners.structureId,
      citizen_id: owners.citizenId,
      actor_type: 'system',
      details: { expiresAt: end.toISOString() },
    });
  });

  it('queues an email to the requesting aide and one to the citizen', async () => {
    // Given a mandate past its end
    const [id] = await insertActiveMandates(db, owners, 1, minutes(-1));
    // When the expiry runs
    await expiry.expireDue();
    // Then both emails wait in the outbox, with facts only
    const rows = await db.query(
      "SELECT aide_id, citizen_id, kind, payload FROM notifications WHERE payload->>'mandateId' = $1 ORDER BY kind",
      [id],
    );
    expect(rows).toEqual([
      { aide_id: null, citizen_id: owners.citizenId, kind: 'citizen_mandate_expired', payload: expect.any(Object) },
      { aide_id: owners.aideId, citizen_id: null, kind: 'mandate_expired', payload: expect.any(Object) },
    ]);
  });

  it('queues no email to a citizen without an email address', async () => {
    // Given a mandate past its end whose citizen gave no address
    await db.query('UPDATE citizens SET email = NULL WHERE id = $1', [owners.citizenId]);
    const [id] = await insertActiveMandates(db, owners, 1, minutes(-1));
    // When the expiry runs
    await expiry.expireDue();
    // Then only the aide is told
    expect(await count("SELECT count(*)::int AS n FROM notifications WHERE payload->>'mandateId' = $1", [id])).toBe(1);
  });

  it('ends each mandate once when several runs go at the same time', async () => {
    // Given more mandates than several batches
    const ids = await insertActiveMandates(db, owners, BATCH * 5 + 3, minutes(-1));
    // When three runs start together (three workers)
    const runs = await Promise.all([expiry.expireDue(), expiry.expireDue(), expiry.expireDue()]);
    // Then together they expired each mandate once, with one event each
    expect(runs.reduce((total, run) => total + run.expired, 0)).toBe(ids.length);
    expect(
      await count(
        "SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'mandate.expired' AND mandate_id = ANY($1)",
        [ids],
      ),
    ).toBe(ids.length);
  });

  it('leaves alone a mandate another transaction holds, and does not end it once that one revoked it', async () => {
    // Given a due mandate that a revocation holds (row locked, not yet committed)
    const [held, free] = await insertActiveMandates(db, owners, 2, minutes(-1));
    const revocation = db.createQueryRunner();
    await revocation.startTransaction();
    try {
      await revocation.query('SELECT id FROM mandates WHERE id = $1 FOR UPDATE', [held]);
      // When expiry runs meanwhile
      const run = await expiry.expireDue();
      // Then it ended the other one only
      expect(run.expired).toBe(1);
      expect(await status(free)).toBe('expired');
      await revocation.query("UPDATE mandates SET status = 'revoked', revoked_at = now() WHERE id = $1", [held]);
      await revocation.commitTransaction();
    } finally {
      await revocation.release();
    }
    // And once the revocation committed, a later run does not end the revoked mandate
    expect((await expiry.expireDue()).expired).toBe(0);
    expect(await status(held)).toBe('revoked');
    expect(
      await count("SELECT count(*)::int AS n FROM audit_outbox WHERE action = 'mandate.expired' AND mandate_id = $1", [
        held,
      ]),
    ).toBe(0);
  });

  it('does nothing the second time', async () => {
    // Given a run that expired a mandate
    await insertActiveMandates(db, owners, 1, minutes(-1));
    await expiry.expireDue();
    // When it runs again
    const again = await expiry.expireDue();
    // Then nothing is expired or journaled again
    expect(again.expired).toBe(0);
  });

  it('schedules one delayed job per mandate, at its end, however often it is asked', async () => {
    // Given a mandate ending in ten minutes
    const mandate = { id: '3f0c7c9e-6d8e-4f57-9b1e-0a4c1f2e9d11', expiresAt: minutes(10) };
    // When its expiry is scheduled twice
    await scheduler.scheduleExpiry(mandate);
    await scheduler.scheduleExpiry(mandate);
    // Then one delayed job exists, named by the mandate
    const delayed = await queue.getDelayed();
    expect(delayed.map((job) => job.id)).toEqual([expiryJobId(mandate.id)]);
    expect(delayed[0].delay).toBeGreaterThan(9 * 60_000);
  });

  it('replaces the expiry job of a revoked mandate by a propagation job', async () => {
    // Given a scheduled expiry
    const mandate = { id: '8a7e4d2c-1b3f-4e5a-9c6d-7f8e9a0b1c2d', expiresAt: minutes(10) };
    await scheduler.scheduleExpiry(mandate);
    // When the whole mandate is revoked
    await scheduler.revoked({ mandateId: mandate.id, revokedAt: new Date().toISOString(), whole: true });
    // Then the expiry job is gone and a propagation job waits
    expect(await queue.getJob(expiryJobId(mandate.id))).toBeUndefined();
    const waiting = await queue.getWaiting();
    expect(waiting.map((job) => job.name)).toEqual([MandatesJob.PropagateRevocation]);
    expect(waiting[0].data).toMatchObject({ mandateId: mandate.id, whole: true });
  });

  it('re-arms the expiry jobs of mandates ending within the horizon only', async () => {
    // Given a mandate ending in one minute and another in an hour, without jobs (Redis lost them)
    const [soon] = await insertActiveMandates(db, owners, 1, minutes(1));
    await insertActiveMandates(db, owners, 1, minutes(60));
    // When the sweep re-arms two minutes ahead
    await scheduler.rearm(2 * 60_000);
    // Then only the first has its job back
    const delayed = (await queue.getDelayed()).map((job) => job.id);
    expect(delayed).toContain(expiryJobId(soon));
    expect(delayed).toHaveLength(1);
  });

  it('tells the supervisors and the citizen of a revocation once, even when retried', async () => {
    // Given a structure with an active supervisor and a revoked mandate
    await db.query("INSERT INTO memberships (aide_id, structure_id, role) VALUES ($1, $2, 'supervisor')", [
      owners.aideId,
      owners.structureId,
    ]);
    const [id] = await insertActiveMandates(db, owners, 1, minutes(60));
    const revocation = { mandateId: id, revokedAt: new Date().toISOString(), whole: true };
    // When the follow-up runs twice (a retried job)
    const notices = moduleRef.get(RevocationNotices);
    const first = await notices.queue(revocation);
    const second = await notices.queue(revocation);
    // Then the supervisor and the citizen each have one email
    expect([first, second]).toEqual([2, 0]);
    const kinds = await db.query("SELECT kind FROM notifications WHERE payload->>'mandateId' = $1 ORDER BY kind", [id]);
    expect(kinds.map((row: { kind: string }) => row.kind)).toEqual(['citizen_mandate_revoked', 'mandate_revoked']);
  });

  describe('the console home: mandates ending soon', () => {
    /** Mandates in force (one area, neither revoked nor replaced) ending at each date. */
    const inForce = async (...ends: Date[]) => {
      const ids: string[] = [];
      for (const end of ends) {
        const [id] = await insertActiveMandates(db, owners, 1, end);
        await db.query(
          "INSERT INTO mandate_procedures (mandate_id, structure_id, citizen_id, area, in_force) VALUES ($1, $2, $3, 'papers', false)",
          [id, owners.structureId, owners.citizenId],
        );
        ids.push(id);
      }
      return ids;
    };
    const endingSoon = async () =>
      (await moduleRef.get(MandateQueries).endingSoon(owners.structureId)).map((item) => item.mandate.id);

    it('lists the mandates ending within 15 days, soonest first', async () => {
      // Given mandates ending in 10 days, 2 days and 20 days
      const [tenDays, twoDays] = await inForce(days(10), days(2), days(20));
      // When the home page asks
      // Then the first two are listed, the soonest first
      expect(await endingSoon()).toEqual([twoDays, tenDays]);
    });

    it('leaves out a mandate already past its end, even before the worker ran', async () => {
      // Given a mandate that ended a minute ago, still marked active
      await inForce(minutes(-1));
      // Then it is not offered for renewal here (the list of mandates shows it as expired)
      expect(await endingSoon()).toEqual([]);
    });

    it('leaves out a mandate whose renewal is already under way', async () => {
      // Given a mandate ending in 3 days and a pending request renewing it
      const [ending] = await inForce(days(3));
      await db.query(
        `INSERT INTO mandates (structure_id, aide_id, areas, duration, channel, status, renews_mandate_id)
         VALUES ($1, $2, '{papers}', 'six_months', 'same_device', 'pending_consent', $3)`,
        [owners.structureId, owners.aideId, ending],
      );
      // Then it is not listed
      expect(await endingSoon()).toEqual([]);
    });
  });
});
