import type { ClientMetadata } from 'oidc-provider';

/** The oidc-provider instance (injection token). */
export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

/** What the sandbox's own pages show about it (injection token). */
export const SANDBOX_SETTINGS = Symbol('SANDBOX_SETTINGS');

export interface SandboxSettings {
  issuer: string;
  clients: ClientMetadata[];
}
