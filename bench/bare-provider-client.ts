/** The one client of the bare oidc-provider baseline (bench/bare-provider.ts). */
export const BARE_CLIENT = { id: 'bare', secret: 'bare-secret-bare-secret-bare-secret' };
