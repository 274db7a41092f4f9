/**
 * Key prefixes of the Redis data that commands, transactions or scripts use several keys of at
 * once. On a Redis Cluster such keys must hash to one slot, so each group is wrapped in a hash tag
 * (`{…}`: only the text inside is hashed). A single Redis ignores the braces.
 */

/** BullMQ's prefix: each queue's scripts touch many of its keys (and job schedulers, delayed jobs). */
export function bullPrefix(redisPrefix: string): string {
  return `{${redisPrefix}:bull}`;
}

/**
 * oidc-provider's state and the token endpoint's failure counters: an upsert writes an entry,
 * its grant's list and its uid in one MULTI, a revocation deletes a grant's tokens in one DEL.
 */
export function oidcKeyPrefix(redisPrefix: string): string {
  return `{${redisPrefix}:oidc}:`;
}

/**
 * Every key Relais writes, as a SCAN/KEYS pattern per family (tests and operators clean up with
 * them). Console sessions and login counters are one key per command: no hash tag, so a cluster
 * spreads them over its nodes.
 */
export function redisKeyPatterns(redisPrefix: string): string[] {
  return [`${redisPrefix}:*`, `${bullPrefix(redisPrefix)}:*`, `${oidcKeyPrefix(redisPrefix)}*`];
}
