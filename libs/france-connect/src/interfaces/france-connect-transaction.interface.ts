/**
 * What one login attempt must remember between the redirect to FranceConnect and the callback.
 * Plain JSON: the caller keeps it in the citizen's server-side session, never in the browser.
 */
export interface FranceConnectTransaction {
  state: string;
  nonce: string;
  /** PKCE verifier (S256); only its hash went to FranceConnect. */
  codeVerifier: string;
}
