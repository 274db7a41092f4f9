/**
 * Preload (`node --import ./dist/bench/cpu-profile.js …`) that profiles a process the benches stop
 * with SIGTERM. `--cpu-prof` writes its profile at a normal exit only, and Nest re-raises the
 * signal after its shutdown hooks, so the profile is written here, on the signal, first.
 * BENCH_PROFILE is the directory; the file is `<pid>.cpuprofile`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  const write = () => {
    // The in-process session answers synchronously.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.once('SIGTERM', write);
  process.once('SIGINT', write);
}
