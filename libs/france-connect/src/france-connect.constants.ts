/** Where FranceConnect sends citizens back, under the api's public base URL (ISSUER). */
export const FRANCECONNECT_CALLBACK_PATH = '/franceconnect/callback';

/** The identité pivot, plus the email and the usage name. */
export const FRANCECONNECT_SCOPE = 'openid identite_pivot email preferred_username';

/** FranceConnect v2 signs ID tokens and userinfo; Relais registers with ES256 for both. */
export const FRANCECONNECT_SIGNING_ALG = 'ES256';

/** The redirect URI registered at FranceConnect, from the api's public base URL. */
export function franceConnectRedirectUri(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}${FRANCECONNECT_CALLBACK_PATH}`;
}
