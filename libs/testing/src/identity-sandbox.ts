import { loadSandboxConfig } from '../../../apps/identity-sandbox/src/sandbox-config.js';
import { startSandbox } from '../../../apps/identity-sandbox/src/sandbox.js';

export interface TestIdentitySandbox {
  /** http://localhost:<port>, for FRANCECONNECT_ISSUER. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * The local FranceConnect stand-in (apps/identity-sandbox) on a free port, with its default
 * `relais-local` client, which also accepts `redirectUris`.
 */
export async function startTestIdentitySandbox(options: { redirectUris: string[] }): Promise<TestIdentitySandbox> {
  const sandbox = await startSandbox({
    ...loadSandboxConfig({ SANDBOX_EXTRA_REDIRECT_URIS: options.redirectUris.join(',') }),
    port: 0,
  });
  return { issuer: sandbox.issuer, close: () => sandbox.close() };
}
