/**
 * A response openid-client accepted but Relais cannot: another level of assurance, a missing or
 * malformed identity claim. Carries the claim's name, never its value.
 */
export class UnexpectedFranceConnectResponseError extends Error {
  override readonly name = 'UnexpectedFranceConnectResponseError';

  constructor(
    readonly code: 'unexpected_acr' | 'missing_claim' | 'malformed_claim',
    readonly claim: string,
  ) {
    super(`${code}: ${claim}`);
  }
}
