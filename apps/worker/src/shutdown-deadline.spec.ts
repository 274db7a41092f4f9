import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { armShutdownDeadline } from './shutdown-deadline.js';

describe('armShutdownDeadline', () => {
  it('given no signal, when the timeout passes, then nothing is forced', async () => {
    // Given
    const overruns: number[] = [];
    armShutdownDeadline(20, () => overruns.push(Date.now()), new EventEmitter());

    // When
    await sleep(60);

    // Then
    expect(overruns).toEqual([]);
  });

  it('given SIGTERM, when the jobs outlast the timeout, then the overrun runs once, after the timeout', async () => {
    // Given
    const process = new EventEmitter();
    const overruns: number[] = [];
    armShutdownDeadline(50, () => overruns.push(Date.now()), process);

    // When
    const signalled = Date.now();
    process.emit('SIGTERM');
    process.emit('SIGINT');
    await sleep(120);

    // Then
    expect(overruns).toHaveLength(1);
    expect(overruns[0] - signalled).toBeGreaterThanOrEqual(45);
  });
});
