import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { Controller, Get, HttpCode, Inject, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { FranceConnectClient } from '@relais/france-connect';
import { PORTAL_PATHS, PortalLogin } from '@relais/portal';
import type { Request, Response } from 'express';

/** A local path to come back to after login; the portal's home otherwise. */
const portalPath = (path: string | undefined) =>
  path?.startsWith(`${PORTAL_PATHS.home}/`) && !path.startsWith('//') ? path : PORTAL_PATHS.home;

/**
 * The citizen portal's login through FranceConnect (the consent's client, with the portal's own
 * redirect URI) and its logout, which ends the FranceConnect session too.
 */
@ApiExcludeController()
@Controller()
export class PortalLoginController {
  constructor(
    private readonly franceConnect: FranceConnectClient,
    private readonly logins: PortalLogin,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  @Get(PORTAL_PATHS.login.slice(1))
  @Render('portal/login.njk')
  loginPage() {
    return { pageTitle: 'Voir mes mandats', startPath: PORTAL_PATHS.franceConnect };
  }

  @Get(PORTAL_PATHS.franceConnect.slice(1))
  async start(@Req() req: Request, @Res() res: Response) {
    const { url, transaction } = await this.franceConnect.authorizationRequest(this.callbackUri());
    req.session.portalLogin = transaction;
    res.redirect(303, url.href);
  }

  @Get(PORTAL_PATHS.callback.slice(1))
  async callback(@Req() req: Request, @Res() res: Response) {
    const transaction = req.session.portalLogin;
    if (!transaction) throw new DomainException(ErrorCode.PortalLoginNotStarted);
    delete req.session.portalLogin;
    const returnTo = req.session.returnTo;
    const { identity, idToken } = await this.franceConnect.logIn(
      new URL(req.originalUrl, this.config.ISSUER),
      transaction,
      this.callbackUri(),
    );
    const citizenId = await this.logins.logIn(identity);
    // A new session id at login; nothing of a previous visitor (or aide) is kept.
    await promisify((done: (error?: unknown) => void) => req.session.regenerate(done))();
    if (!citizenId) return res.status(200).render('portal/no-mandate.njk', { pageTitle: 'Aucun mandat' });
    Object.assign(req.session, { citizenId, portalIdToken: idToken, loginAt: Date.now(), lastSeenAt: Date.now() });
    res.redirect(303, portalPath(returnTo));
  }

  @Post(PORTAL_PATHS.logout.slice(1))
  @HttpCode(303)
  async logout(@Req() req: Request, @Res() res: Response) {
    const { citizenId, portalIdToken } = req.session;
    if (citizenId) await this.logins.logOut(citizenId);
    await promisify((done: (error?: unknown) => void) => req.session.destroy(done))();
    const loggedOut = `${this.config.ISSUER}${PORTAL_PATHS.loggedOut}`;
    const franceConnect =
      portalIdToken && (await this.franceConnect.logoutUrl(portalIdToken, loggedOut, randomBytes(16).toString('hex')));
    res.redirect(303, franceConnect ? franceConnect.href : PORTAL_PATHS.loggedOut);
  }

  @Get(PORTAL_PATHS.loggedOut.slice(1))
  @Render('portal/logged-out.njk')
  loggedOut() {
    return { pageTitle: 'Vous êtes déconnecté', loginPath: PORTAL_PATHS.login };
  }

  private callbackUri(): string {
    return `${this.config.ISSUER.replace(/\/+$/, '')}${PORTAL_PATHS.callback}`;
  }
}
