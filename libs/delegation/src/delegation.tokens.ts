/** The oidc-provider instance (a Provider). */
export const OIDC_PROVIDER = Symbol('OIDC_PROVIDER');
/** The ioredis connection the provider's adapter uses. */
export const OIDC_REDIS = Symbol('OIDC_REDIS');
