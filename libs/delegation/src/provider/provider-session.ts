import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';

/**
 * One provider session per delegated login. A browser's provider session names one account, and
 * each delegation is its own account (its id is the delegation's): before the provider resumes a
 * new delegated login, the browser's earlier provider session (an earlier delegation's) is ended
 * here and the interaction is detached from it. Without this, oidc-provider would first send the
 * browser through its own auto-submitting logout page (`/session/end/confirm`) to end it.
 *
 * Ending it has the effect that logout page had: the earlier delegation's tokens, bound to its
 * session (`expiresWithSession`, the provider's default without `offline_access`), stop working.
 * One delegation at a time per browser; the journal keeps every one.
 */
export async function replaceEarlierSession(
  provider: Provider,
  req: Request,
  res: Response,
  interaction: Awaited<ReturnType<Provider['interactionDetails']>>,
): Promise<void> {
  // No provider session cookie (a first delegated login in this browser): nothing to end, and no
  // Redis command spent on it.
  const name = `${provider.cookieName('session')}=`;
  if (!(req.headers.cookie ?? '').split(/;\s*/).some((cookie) => cookie.startsWith(name))) return;
  // The Session model reads the browser's signed session cookie from a plain req/res pair.
  const session = await provider.Session.get({ req, res } as unknown as Parameters<typeof provider.Session.get>[0]);
  if (session.accountId) await session.destroy();
  // Detached from it: the caller saves the interaction (with its result) afterwards.
  delete interaction.session;
}
