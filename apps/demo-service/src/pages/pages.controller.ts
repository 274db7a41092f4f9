import { timingSafeEqual } from 'node:crypto';

import { Controller, Get, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';

import { DemoServiceError } from '../demo-service-error.js';
import { DEMO_SESSIONS, DEMO_SETTINGS, type DemoSettings, RELAIS_CLIENT } from '../demo-service.tokens.js';
import type { RelaisClient } from '../relying-party/relais-client.js';
import type { DemoSessions } from '../session/demo-sessions.js';
import { accountView } from './account-view.js';

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** An OAuth error code is safe to log; anything else the callback received is not. */
function errorCode(value: string): string {
  return /^[a-z_]{1,64}$/.test(value) ? value : 'other';
}

/** The service's pages: home, login (code flow through Relais), account, logout. */
@Controller()
export class PagesController {
  constructor(
    @Inject(DEMO_SETTINGS) private readonly settings: DemoSettings,
    @Inject(RELAIS_CLIENT) private readonly relais: RelaisClient,
    @Inject(DEMO_SESSIONS) private readonly sessions: DemoSessions,
  ) {}

  @Get()
  home(@Req() req: Request, @Res() res: Response): void {
    res.render('home.njk', {
      pageTitle: 'Accueil',
      loggedIn: this.sessions.current(req) !== undefined,
      area: this.settings.area,
    });
  }

  /** Sends the browser to Relais' authorization endpoint; state, nonce and verifier stay here. */
  @Get('connexion')
  async login(@Res() res: Response): Promise<void> {
    const { url, transaction } = await this.relais.authorizationRequest();
    this.sessions.startTransaction(res, transaction);
    res.redirect(HttpStatus.SEE_OTHER, url.href);
  }

  /** Relais sends the browser back here with a code (or an error). */
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const transaction = this.sessions.takeTransaction(req, res);
    if (!transaction) throw new DemoServiceError('transaction_missing');
    // The redirect_uri the token request repeats is the registered one, whatever Host said.
    const callbackUrl = new URL(`${this.settings.url}/callback`);
    callbackUrl.search = new URL(req.originalUrl, 'http://callback.invalid').search;
    const parameters = callbackUrl.searchParams;
    if (!sameString(parameters.get('state') ?? '', transaction.state)) throw new DemoServiceError('state_mismatch');
    const error = parameters.get('error');
    if (error !== null) {
      if (error === 'access_denied') throw new DemoServiceError('access_denied');
      throw new DemoServiceError('authorization_error', errorCode(error));
    }
    const login = await this.relais.finishLogin(callbackUrl, transaction);
    this.sessions.startSession(res, login);
    res.redirect(HttpStatus.SEE_OTHER, '/compte');
  }

  /** « Vous êtes connecté »: what Relais said about the citizen, the aide and the mandate. */
  @Get('compte')
  account(@Req() req: Request, @Res() res: Response): void {
    const login = this.sessions.current(req);
    if (!login) return res.redirect(HttpStatus.SEE_OTHER, '/');
    res.render('account.njk', { pageTitle: 'Vous êtes connecté', ...accountView(login) });
  }

  /** Ends the session here, then at Relais (RP-initiated logout), which sends the browser back home. */
  @Post('deconnexion')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const login = this.sessions.end(req, res);
    if (!login) return res.redirect(HttpStatus.SEE_OTHER, '/');
    res.redirect(HttpStatus.SEE_OTHER, (await this.relais.logoutUrl(login.idToken)).href);
  }
}
