/** What a warning may say about a failed login: error names and codes, never claims or tokens. */
export interface FailureSummary {
  type: string;
  /** openid-client's code (e.g. OAUTH_JWT_CLAIM_COMPARISON_FAILED), or a system one (ECONNREFUSED). */
  code?: string;
  /** The OAuth error returned by FranceConnect (e.g. invalid_grant), without its description. */
  error?: string;
  /** The name of the claim that failed a check (e.g. aud, nonce), without its value. */
  claim?: string;
}

/** Codes and claim names only: anything else could come from the callback URL. */
const TOKEN = /^[A-Za-z0-9_.-]{1,64}$/;

function pick(value: unknown, key: string): string | undefined {
  const field = (value as Record<string, unknown> | null | undefined)?.[key];
  return typeof field === 'string' && TOKEN.test(field) ? field : undefined;
}

/** The error and its causes, outermost first (openid-client wraps; fetch keeps the system error inside). */
function causes(error: object): unknown[] {
  const chain: unknown[] = [error];
  const causeOf = (link: unknown) => (link as { cause?: unknown }).cause;
  for (let cause = causeOf(error); cause && chain.length < 5; cause = causeOf(cause)) {
    chain.push(cause);
  }
  return chain;
}

/** The first value of `key` along the chain that is a plain code. */
function first(chain: unknown[], key: string): string | undefined {
  for (const link of chain) {
    const value = pick(link, key);
    if (value) return value;
  }
  return undefined;
}

/** Duck-typed rather than instanceof Error: fetch's errors may come from another realm (e.g. under jest). */
export function failureSummary(error: unknown): FailureSummary {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const chain = causes(error);
  const summary: FailureSummary = {
    type: pick(error, 'name') ?? 'object',
    code: first(chain, 'code'),
    error: pick(error, 'error'),
    // oauth4webapi puts { claim, claims } as the cause of a failed claim check: the name only.
    claim: first(chain, 'claim'),
  };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as FailureSummary;
}
