import type { KoaContextWithOIDC } from 'oidc-provider';

import type { ProviderPages } from './provider-pages.js';

/** What the provider's own auto-submitting page (`form_post`) posts, read back from its HTML. */
export interface AutoSubmitForm {
  action: string;
  inputs: { name: string; value: string }[];
}

const AUTO_SUBMIT_TITLE = '<title>Submitting Callback</title>';

const unescapeHtml = (value: string) =>
  value
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/**
 * The form of oidc-provider's built-in auto-submitting page (form_post response mode, logout
 * without a session, session change on resume), or null for any other body. The page's markup is
 * oidc-provider's (response_modes/form_post.js): every value in it is HTML-escaped by it.
 */
export function autoSubmitForm(body: unknown): AutoSubmitForm | null {
  if (typeof body !== 'string' || !body.includes(AUTO_SUBMIT_TITLE)) return null;
  const action = /<form method="post" action="([^"]*)">/.exec(body)?.[1];
  if (action === undefined) return null;
  const inputs = [...body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)].map((match) => ({
    name: unescapeHtml(match[1]),
    value: unescapeHtml(match[2]),
  }));
  return { action: unescapeHtml(action), inputs };
}

/** Lets the page's forms (and the redirects that follow them) reach these origins too. */
export function widenFormAction(ctx: KoaContextWithOIDC, urls: (string | undefined)[]): void {
  const csp = ctx.response.get('content-security-policy');
  const origins = [
    ...new Set(urls.filter((url): url is string => !!url && URL.canParse(url)).map((url) => new URL(url).origin)),
  ];
  if (!csp || origins.length === 0) return;
  ctx.set('content-security-policy', csp.replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`));
}

/** Endpoints a public service's browser code may call across origins (CORS, as the specs need). */
const CROSS_ORIGIN_ROUTES = new Set([
  'discovery',
  'jwks',
  'userinfo',
  'token',
  'revocation',
  'introspection',
  'cors.discovery',
  'cors.jwks',
  'cors.userinfo',
  'cors.token',
  'cors.revocation',
  'cors.introspection',
]);

/**
 * A Koa middleware for the provider: its auto-submitting page becomes a Relais page (French, DSFR,
 * a visible button, no script), and its cross-origin endpoints keep working next to the console's
 * security headers (set before the provider by the api).
 */
export function relaisProviderResponses(pages: ProviderPages) {
  return async function relaisResponses(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    const route = ctx.oidc?.route;
    if (route && CROSS_ORIGIN_ROUTES.has(route)) ctx.set('cross-origin-resource-policy', 'cross-origin');
    const form = autoSubmitForm(ctx.body);
    if (!form) return;
    const status = ctx.status;
    const { action, inputs } = form;
    const ownForm = action.startsWith(ctx.oidc.issuer);
    const serviceName = ctx.oidc.client?.clientName;
    // The inline script's hash that oidc-provider added is not needed any more: the policy again.
    const csp = ctx.response.get('content-security-policy');
    if (csp) ctx.set('content-security-policy', csp.replace(/script-src ([^;]*)/, "script-src 'self'"));
    // After the logout form, the provider redirects to the service's post-logout address.
    const session = ctx.oidc.session as { state?: { postLogoutRedirectUri?: string } } | undefined;
    widenFormAction(ctx, [ownForm ? session?.state?.postLogoutRedirectUri : action]);
    ctx.type = 'html';
    ctx.body = await pages.render('delegation/continue.njk', {
      pageTitle: ownForm ? 'Déconnexion' : 'Retour au service',
      action,
      inputs,
      serviceName,
      toService: !ownForm,
    });
    ctx.status = status;
  };
}
