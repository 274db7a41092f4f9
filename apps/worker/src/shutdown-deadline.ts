/**
 * Bounds a graceful stop: once one of `signals` arrives, `overrun` runs after `timeoutMs` unless
 * the process has exited by then (the timer does not keep it alive). Jobs still running are then
 * stalled, and BullMQ hands them to another worker once their lock expires.
 */
export function armShutdownDeadline(
  timeoutMs: number,
  overrun: () => void,
  target: Pick<NodeJS.EventEmitter, 'once'> = process,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): void {
  let armed = false;
  const arm = () => {
    if (armed) return;
    armed = true;
    setTimeout(overrun, timeoutMs).unref();
  };
  for (const signal of signals) target.once(signal, arm);
}
