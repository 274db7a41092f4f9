import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';

// Started as a process, like in the demo: a library does not import an app.
const SANDBOX = join(projectRoot(), 'dist/apps/identity-sandbox/src/main.js');
const STARTUP_TIMEOUT_MS = 20_000;

export interface TestIdentitySandbox {
  /** http://localhost:<port>, for FRANCECONNECT_ISSUER. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * The local FranceConnect stand-in (apps/identity-sandbox, compiled) on a free port, with its
 * default `relais-local` client, which also accepts `redirectUris` (and `postLogoutRedirectUris`).
 */
export async function startTestIdentitySandbox(options: {
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}): Promise<TestIdentitySandbox> {
  if (!existsSync(SANDBOX)) throw new Error(`${SANDBOX} is missing: run "npm run build" first (npm test does)`);
  const child = spawn(process.execPath, [SANDBOX], {
    env: {
      ...process.env,
      SANDBOX_PORT: '0',
      SANDBOX_EXTRA_REDIRECT_URIS: options.redirectUris.join(','),
      SANDBOX_EXTRA_POST_LOGOUT_REDIRECT_URIS: (options.postLogoutRedirectUris ?? []).join(','),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let output = '';
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no issuer within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    function fail(reason: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The identity sandbox did not start (${reason}):\n${output}`));
    }
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      // main.ts prints "… issuer http://localhost:<port>, listening on …" once it serves requests.
      const started = /issuer (\S+),/.exec(output);
      if (!started) return;
      clearTimeout(timer);
      child.stdout.off('data', collect).resume();
      child.stderr.off('data', collect).resume();
      resolve(started[1]);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => fail(`exit code ${code}`));
  });
  return {
    issuer,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
