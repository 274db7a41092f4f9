/**
 * A browser without a browser: plain fetch with manual redirects and a cookie jar, enough to walk
 * the sandbox's authorize → interaction → pick an identity → callback steps in tests.
 */
export class CitizenUserAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly sandboxOrigin: string) {}

  /** One request to the sandbox, without following redirects; remembers the cookies set. */
  async send(url: URL, form?: Record<string, string>, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const setCookie of response.headers.getSetCookie()) this.remember(setCookie);
    return response;
  }

  /**
   * Starts at the service's authorization URL and follows the sandbox until it sends the browser
   * back to the service; on the login page picks `identity` (its key), or cancels when null.
   * Returns the URL the service's callback receives.
   */
  async authorize(authorizationUrl: URL, identity: string | null): Promise<URL> {
    let url = authorizationUrl;
    let response = await this.send(url);
    for (let step = 0; step < 10; step += 1) {
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        if (url.origin !== this.sandboxOrigin) return url;
        response = await this.send(url);
      } else if (response.status === 200 && url.pathname.startsWith('/interaction/')) {
        await response.text();
        url = new URL(`${url.pathname}/${identity ? 'identite' : 'abandon'}`, url);
        response = await this.send(url, identity ? { identite: identity } : {});
      } else {
        throw new Error(`unexpected ${response.status} at ${url.href}: ${await response.text()}`);
      }
    }
    throw new Error('too many redirects');
  }

  /** The value of a cookie in the jar (e.g. a session cookie, to find its session in a test). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private remember(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key, attributeValue = ''] = attribute.trim().split('=');
      if (key.toLowerCase() === 'max-age') return Number(attributeValue) <= 0;
      if (key.toLowerCase() === 'expires') return Date.parse(attributeValue) <= Date.now();
      return false;
    });
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}
