import 'reflect-metadata';

import { loadSandboxConfig, SandboxConfigError } from './sandbox-config.js';
import { startSandbox } from './sandbox.js';

// A stand-in that hands out identities to anyone who clicks: never in production.
if (process.env.NODE_ENV === 'production') {
  process.stderr.write('The identity sandbox refuses to start with NODE_ENV=production: it is a test stand-in.\n');
  process.exit(1);
}

try {
  const config = loadSandboxConfig();
  const sandbox = await startSandbox(config);
  console.log(
    `FranceConnect sandbox (test identities, never in production): issuer ${sandbox.issuer}, ` +
      `listening on ${config.host}:${sandbox.port}, clients ${config.clients.map((c) => c.client_id).join(', ')}`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
  }
} catch (error) {
  const message = error instanceof SandboxConfigError ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`The identity sandbox cannot start: ${message}\n`);
  process.exit(1);
}
