import { type AuditApp, auditApp, createTestEnvironment, type TestEnvironment } from '@relais/testing';

import { AuditAction, AuditActorType } from '../src/enums/audit-action.enum.js';
import { AuditOutsideTransactionError } from '../src/exceptions/audit-outside-transaction.error.js';
import { GENESIS_HASH } from '../src/services/entry-hash.js';

describe('Audit outbox and sealed journal', () => {
  let env: TestEnvironment;
  let audit: AuditApp;

  beforeEach(async () => {
    env = await createTestEnvironment();
    audit = await auditApp();
  });

  afterEach(async () => {
    await audit.close();
    await env.dispose();
  });

  it('keeps an event when its transaction commits and loses it with a rollback', async () => {
    // Given a transaction that records an event, then fails
    await expect(
      audit.dataSource.transaction(async (manager) => {
        await audit.recorder.record(manager, {
          action: AuditAction.DemoDataSeeded,
          actor: { type: AuditActorType.System },
        });
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');
    // When another one commits
    await audit.record(1);
    // Then only the committed event waits in the outbox
    expect(await audit.count('audit_outbox')).toBe(1);
  });

  it('refuses to record an event outside a transaction', async () => {
    await expect(
      audit.recorder.record(audit.dataSource.manager, {
        action: AuditAction.DemoDataSeeded,
        actor: { type: AuditActorType.System },
      }),
    ).rejects.toBeInstanceOf(AuditOutsideTransactionError);
  });

  it('seals events in order into a hash chain that verifies', async () => {
    // Given 3 events
    await audit.record(3, { marker: 'x' });
    // When the sealer runs
    const sealed = await audit.drain();
    // Then they are chained from the genesis hash, the outbox is empty, and verify passes
    expect(sealed).toBe(3);
    const rows = await audit.dataSource.query('SELECT seq, prev_hash, hash, details FROM audit_journal ORDER BY seq');
    expect(rows.map((r: { seq: string }) => r.seq)).toEqual(['1', '2', '3']);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2].prev_hash).toBe(rows[1].hash);
    expect(rows.map((r: { details: { i: number } }) => r.details.i)).toEqual([0, 1, 2]);
    expect(await audit.count('audit_outbox')).toBe(0);
    expect(await audit.verifier.verify()).toMatchObject({ ok: true, checked: 3, lastSeq: '3', firstBroken: null });
  });

  it('verifies entries whose details hold tabs, newlines, backslashes, quotes and accents (COPY text escapes)', async () => {
    // Given events whose free text needs escaping in COPY's text format and in JSON
    await audit.record(2, { note: 'tab\there\nnew line \\ back\\slash "quoted" é — \\N', path: 'C:\\temp\\' });
    await audit.record(1, { empty: '', nested: { list: ['\r', '\u0001', null] } });
    await audit.drain();
    // Then the chain verifies, and altering one of them by hand is still caught
    expect(await audit.verifier.verify()).toMatchObject({ ok: true, checked: 3 });
    const runner = audit.dataSource.createQueryRunner();
    await runner.query("SET session_replication_role = 'replica'");
    await runner.query(`UPDATE audit_journal SET details = jsonb_set(details, '{note}', '"tab\\there"') WHERE seq = 2`);
    await runner.query("SET session_replication_role = 'origin'");
    await runner.release();
    expect(await audit.verifier.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: '2', reason: 'hash_mismatch' },
    });
  });

  it('does not seal past a transaction that is still open, and seals it once it commits', async () => {
    // Given a slow transaction that recorded an event first and has not committed
    const slow = audit.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    await audit.recorder.record(slow.manager, {
      action: AuditAction.DemoDataSeeded,
      actor: { type: AuditActorType.System },
      details: { slow: true },
    });
    // And a faster one that recorded later and committed
    await audit.record(1, { fast: true });
    // When the sealer runs, the committed later event waits too (its xid is above the open one)
    expect(await audit.sealer.sealPending()).toBe(0);
    // Then once the slow one commits, both are sealed, none skipped
    await slow.commitTransaction();
    await slow.release();
    expect(await audit.drain()).toBe(2);
    expect(await audit.count('audit_outbox')).toBe(0);
    expect(await audit.verifier.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('seals everything exactly once under concurrent writers and two concurrent sealers', async () => {
    // Given a second process-like sealer with its own connection pool
    const other = await auditApp();
    try {
      // When 20 writers commit 25 events each while both sealers run in a loop
      let writing = true;
      const sealLoop = async (app: AuditApp) => {
        let sealed = 0;
        while (writing) sealed += await app.sealer.sealPending();
        return sealed + (await app.sealer.sealPending());
      };
      const loops = [sealLoop(audit), sealLoop(other)];
      await Promise.all(Array.from({ length: 20 }, (_, writer) => audit.record(25, { writer })));
      writing = false;
      const sealedByLoops = (await Promise.all(loops)).reduce((a, b) => a + b, 0);
      const rest = await audit.drain();
      // Then 500 journal entries, no duplicate event, no gap, a valid chain
      expect(sealedByLoops + rest).toBe(500);
      const [stats] = await audit.dataSource.query(
        'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events, max(seq)::int AS last FROM audit_journal',
      );
      expect(stats).toEqual({ n: 500, events: 500, last: 500 });
      expect(await audit.count('audit_outbox')).toBe(0);
      expect(await audit.verifier.verify()).toMatchObject({ ok: true, checked: 500 });
    } finally {
      await other.close();
    }
  });

  it.each([
    ['UPDATE', "UPDATE audit_journal SET action = 'forged' WHERE seq = 1"],
    ['DELETE', 'DELETE FROM audit_journal WHERE seq = 1'],
    ['TRUNCATE', 'TRUNCATE audit_journal'],
  ])('refuses %s on sealed entries', async (_operation, sql) => {
    await audit.record(1);
    await audit.drain();
    await expect(audit.dataSource.query(sql)).rejects.toThrow(/append-only/);
    expect(await audit.count('audit_journal')).toBe(1);
  });

  it('names the first entry altered by hand, even by someone who bypassed the triggers', async () => {
    // Given a sealed chain of 5 entries
    await audit.record(5);
    await audit.drain();
    // When a superuser disables the triggers and rewrites entry 3's details
    const runner = audit.dataSource.createQueryRunner();
    await runner.query("SET session_replication_role = 'replica'");
    await runner.query(`UPDATE audit_journal SET details = '{"i": 99}' WHERE seq = 3`);
    await runner.query("SET session_replication_role = 'origin'");
    await runner.release();
    // Then verify stops at entry 3
    expect(await audit.verifier.verify()).toMatchObject({
      ok: false,
      checked: 2,
      firstBroken: { seq: '3', reason: 'hash_mismatch' },
    });
  });

  it('names a removed entry as a gap', async () => {
    await audit.record(4);
    await audit.drain();
    const runner = audit.dataSource.createQueryRunner();
    await runner.query("SET session_replication_role = 'replica'");
    await runner.query('DELETE FROM audit_journal WHERE seq = 2');
    await runner.query("SET session_replication_role = 'origin'");
    await runner.release();
    expect(await audit.verifier.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: '3', reason: 'gap', expectedSeq: '2' },
    });
  });

  it('names an entry whose hash was recomputed but whose successor still links to the old one', async () => {
    await audit.record(3);
    await audit.drain();
    const runner = audit.dataSource.createQueryRunner();
    await runner.query("SET session_replication_role = 'replica'");
    await runner.query(`UPDATE audit_journal SET hash = repeat('a', 64) WHERE seq = 2`);
    await runner.query("SET session_replication_role = 'origin'");
    await runner.release();
    expect((await audit.verifier.verify()).firstBroken).toEqual({ seq: '2', reason: 'hash_mismatch' });
  });
});
