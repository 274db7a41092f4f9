import { failureSummary } from './failure-summary.js';

describe('failureSummary', () => {
  it('given a failed claim check, when summarised, then it keeps the codes and the claim name, not the claims', () => {
    const check = Object.assign(new Error('unexpected JWT "aud" (audience) claim value'), {
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      cause: { claim: 'aud', expected: 'relais', claims: { sub: 'sub-1', given_name: 'Aminata' } },
    });
    const error = Object.assign(new Error('unexpected JWT claim value encountered', { cause: check }), {
      name: 'ClientError',
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
    });

    const summary = failureSummary(error);

    expect(summary).toEqual({ type: 'ClientError', code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', claim: 'aud' });
    expect(JSON.stringify(summary)).not.toContain('Aminata');
  });

  it('given a network failure, when summarised, then it names the system error found in the causes', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });

    expect(failureSummary(error)).toEqual({ type: 'TypeError', code: 'ECONNREFUSED' });
  });

  it('given an OAuth error carrying free text, when summarised, then only a plain error code is kept', () => {
    const fromCallback = Object.assign(new Error('authorization response from the server is an error'), {
      name: 'AuthorizationResponseError',
      error: 'server_error <script>',
      error_description: 'Marie-Thérèse Lefèvre-Ndiaye',
    });

    expect(failureSummary(fromCallback)).toEqual({ type: 'AuthorizationResponseError' });
  });

  it('given something thrown that is not an Error, when summarised, then only its type is kept', () => {
    expect(failureSummary('secret token')).toEqual({ type: 'string' });
  });
});
