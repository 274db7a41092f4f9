/** Why an address is refused as a redirect URI; the codes are sent to API clients in `details`. */
export enum RedirectUriProblem {
  Malformed = 'malformed',
  ForbiddenCharacter = 'forbidden_character',
  Fragment = 'fragment',
  NotHttps = 'not_https',
  Credentials = 'credentials',
}

/** https with a host; plain http only toward the operator's own machine, for development. */
const HTTPS = /^https:\/\/[^/?#]/;
const LOCAL_HTTP = /^http:\/\/(localhost|127\.0\.0\.1)(:[0-9]+)?([/?]|$)/;
/** Whitespace, control characters and backslashes, which browsers read differently from servers. */
const FORBIDDEN_CHARACTER = /[\s\p{Cc}\\]/u;

/**
 * What is wrong with an address a public service wants the browser sent back to, or null.
 * The scheme and host are read from the text itself as well as from the parsed URL: the provider
 * compares redirect URIs as exact strings, so what is stored must be right as typed.
 */
export function redirectUriProblem(uri: string): RedirectUriProblem | null {
  if (FORBIDDEN_CHARACTER.test(uri)) return RedirectUriProblem.ForbiddenCharacter;
  if (uri.includes('#')) return RedirectUriProblem.Fragment;
  const url = URL.parse(uri);
  if (!url) return RedirectUriProblem.Malformed;
  if (!HTTPS.test(uri) && !LOCAL_HTTP.test(uri)) return RedirectUriProblem.NotHttps;
  if (url.username !== '' || url.password !== '') return RedirectUriProblem.Credentials;
  return null;
}
