import { type ChainedEntry, entryHash, OCCURRED_AT_ISO } from '@relais/audit';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';

import { type CheckpointsApp, checkpointsApp } from './checkpoints-harness.js';

const MINUTE = 60_000;

describe('Signed checkpoints of the audit journal', () => {
  let env: TestEnvironment;
  let app: CheckpointsApp;

  beforeEach(async () => {
    env = await createTestEnvironment();
    process.env.AUDIT_CHECKPOINT_EVERY_ENTRIES = '5';
    process.env.AUDIT_CHECKPOINT_EVERY_MINUTES = '10';
    app = await checkpointsApp();
  });

  afterEach(async () => {
    await app.close();
    delete process.env.AUDIT_CHECKPOINT_EVERY_ENTRIES;
    delete process.env.AUDIT_CHECKPOINT_EVERY_MINUTES;
    await env.dispose();
  });

  const sealed = async (count: number) => {
    await app.record(count);
    await app.drain();
  };
  it('signs a checkpoint at every multiple of N sealed entries', async () => {
    // Given 12 sealed entries and N = 5
    await sealed(12);
    // When the checkpointer runs
    const created = await app.checkpointer.checkpointDue();
    // Then entries 5 and 10 are checkpointed, each with its hash and count
    expect(created.map((checkpoint) => [checkpoint.seq, checkpoint.entryCount])).toEqual([
      ['5', '5'],
      ['10', '10'],
    ]);
    const [entry] = await app.dataSource.query('SELECT hash FROM audit_journal WHERE seq = 10');
    expect(created[1].hash).toBe(entry.hash);
    expect(await app.checkpointer.checkpointDue()).toEqual([]);
  });

  it('signs a checkpoint of the last entry once an entry has waited M minutes without one', async () => {
    // Given 3 sealed entries, fewer than N
    await sealed(3);
    // When the checkpointer runs now, then 11 minutes later (M = 10)
    const now = await app.checkpointer.checkpointDue();
    const later = await app.checkpointer.checkpointDue(new Date(Date.now() + 11 * MINUTE));
    // Then nothing is due at first, and the last entry is checkpointed after M minutes
    expect(now).toEqual([]);
    expect(later.map((checkpoint) => checkpoint.seq)).toEqual(['3']);
  });

  it('signs nothing after M minutes when no entry was sealed since the last checkpoint', async () => {
    await sealed(5);
    await app.checkpointer.checkpointDue();
    expect(await app.checkpointer.checkpointDue(new Date(Date.now() + 60 * MINUTE))).toEqual([]);
  });

  it('signs the checkpoint over seq, hash, count and time with the platform key', async () => {
    await sealed(5);
    const [checkpoint] = await app.checkpointer.checkpointDue();
    const result = await app.journal.verify();
    expect(result.checkpoints).toEqual([
      expect.objectContaining({
        seq: '5',
        hash: checkpoint.hash,
        count: '5',
        signedAt: checkpoint.signedAt.toISOString(),
      }),
    ]);
    expect(checkpoint.kid).toBe((await app.keys.activeKey()).kid);
  });

  it('reports a journal whose last 10 entries were deleted, with the checkpoint that proves it', async () => {
    // Given 20 sealed entries checkpointed at 5, 10, 15 and 20
    await sealed(20);
    await app.checkpointer.checkpointDue();
    // When someone disables the triggers and deletes the last 10 entries
    await app.bypassTriggers('DELETE FROM audit_journal WHERE seq > 10');
    // Then the chain that is left links, but verification names entry 11 as missing, proven by checkpoint 20
    const result = await app.journal.verify();
    expect(result.ok).toBe(false);
    expect(result.chain).toMatchObject({ checked: 10, firstBroken: { seq: '11', reason: 'missing', anchorSeq: '20' } });
  });

  it('still proves a deleted tail from a published copy when the checkpoints were deleted too', async () => {
    await sealed(10);
    await app.checkpointer.checkpointDue();
    const published = await app.dataSource.query('SELECT seq::text AS seq, jws FROM audit_checkpoints');
    await app.bypassTriggers('DELETE FROM audit_journal WHERE seq > 4', 'DELETE FROM audit_checkpoints');
    const result = await app.journal.verify(undefined, published);
    expect(result.chain.firstBroken).toEqual({ seq: '5', reason: 'missing', anchorSeq: '10' });
  });

  it('names a rewritten entry before a checkpoint', async () => {
    await sealed(10);
    await app.checkpointer.checkpointDue();
    await app.bypassTriggers(`UPDATE audit_journal SET details = '{"i": 99}' WHERE seq = 7`);
    expect((await app.journal.verify()).chain.firstBroken).toEqual({ seq: '7', reason: 'hash_mismatch' });
  });

  it('detects a chain rewritten consistently before a checkpoint, naming the range the checkpoint proves', async () => {
    // Given checkpoints at 5 and 10
    await sealed(12);
    await app.checkpointer.checkpointDue();
    // When someone rewrites entry 7 and recomputes every hash after it, so the chain links again
    const rows = await app.dataSource.query(
      `SELECT seq, event_id, ${OCCURRED_AT_ISO}, actor_type, actor_id, structure_id, citizen_id, mandate_id,
              action, details, prev_hash FROM audit_journal WHERE seq >= 6 ORDER BY seq`,
    );
    let prevHash: string = rows[0].prev_hash;
    const updates = rows.map((row: Record<string, never>) => {
      const entry: ChainedEntry = {
        seq: row.seq,
        eventId: row.event_id,
        occurredAt: row.occurred_at,
        actorType: row.actor_type,
        actorId: row.actor_id,
        structureId: row.structure_id,
        citizenId: row.citizen_id,
        mandateId: row.mandate_id,
        action: row.action,
        details: row.seq === '7' ? { i: 99 } : row.details,
        prevHash,
      };
      prevHash = entryHash(entry);
      return `UPDATE audit_journal SET details = '${JSON.stringify(entry.details)}', prev_hash = '${entry.prevHash}',
                hash = '${prevHash}' WHERE seq = ${entry.seq}`;
    });
    await app.bypassTriggers(...updates);
    // Then the chain alone verifies, but checkpoint 10 proves an entry from 6 to 10 was rewritten
    expect(await app.verifier.verify()).toMatchObject({ ok: true });
    expect((await app.journal.verify()).chain.firstBroken).toEqual({
      seq: '6',
      reason: 'anchor_mismatch',
      anchorSeq: '10',
    });
  });

  it('verifies checkpoints signed with a key that was rotated since', async () => {
    // Given a checkpoint signed, then the key rotated, then another checkpoint
    await sealed(5);
    const [before] = await app.checkpointer.checkpointDue();
    await app.keys.rotate();
    await sealed(5);
    const [after] = await app.checkpointer.checkpointDue();
    // Then both verify and the journal is intact
    expect(before.kid).not.toBe(after.kid);
    const result = await app.journal.verify();
    expect(result).toMatchObject({ ok: true, rejected: [] });
    expect(result.checkpoints.map((checkpoint) => checkpoint.seq)).toEqual(['5', '10']);
  });

  it('rejects a checkpoint whose signature was tampered with', async () => {
    await sealed(5);
    const [checkpoint] = await app.checkpointer.checkpointDue();
    const forged = checkpoint.jws.slice(0, -2) + (checkpoint.jws.endsWith('AA') ? 'BA' : 'AA');
    const result = await app.journal.verify(undefined, [{ seq: '5', jws: forged }]);
    expect(result.ok).toBe(false);
    expect(result.rejected).toEqual([{ seq: '5', reason: 'bad_signature' }]);
  });

  it('refuses UPDATE and DELETE on checkpoints', async () => {
    await sealed(5);
    await app.checkpointer.checkpointDue();
    await expect(app.dataSource.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    await expect(app.dataSource.query("UPDATE audit_checkpoints SET kid = 'x'")).rejects.toThrow(/append-only/);
  });

  it('tells the age of the last checkpoint and the sealing lag, for metrics', async () => {
    expect(await app.checkpointer.lastCheckpointAgeSeconds()).toBeNull();
    await app.keys.ensureActiveKey(); // its creation is journaled too
    await app.record(1);
    expect(await app.sealer.sealingLagSeconds(new Date(Date.now() + MINUTE))).toBeGreaterThanOrEqual(59);
    await sealed(4);
    await app.checkpointer.checkpointDue();
    expect(await app.sealer.sealingLagSeconds()).toBe(0);
    expect(await app.checkpointer.lastCheckpointAgeSeconds(new Date(Date.now() + MINUTE))).toBeGreaterThanOrEqual(59);
  });
});
