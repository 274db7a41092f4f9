import type { RelaisConfig } from './env.schema.js';

/**
 * How many reverse proxies in front of the api to trust for `X-Forwarded-For` and
 * `X-Forwarded-Proto` (TRUST_PROXY; by default one in front of an https ISSUER, none otherwise).
 * The api's Express and its OpenID provider both read it from here, so they see the same client.
 */
export function trustedProxies(config: Pick<RelaisConfig, 'TRUST_PROXY' | 'ISSUER'>): number {
  return config.TRUST_PROXY ?? (config.ISSUER.startsWith('https:') ? 1 : 0);
}
