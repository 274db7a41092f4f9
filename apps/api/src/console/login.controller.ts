import { Body, Controller, Get, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  CONSOLE_PATHS,
  ConsoleLogin,
  EnrolmentSecrets,
  LoginRateLimitGuard,
  MemberContexts,
  SESSION_COOKIE,
} from '@relais/auth';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { CodeForm, digits, EnrolmentForm, FormDto, LoginForm, StructureChoiceForm } from './dto/forms.dto.js';

/** A wrong code goes next to the code field. */
const CODE_FIELD = { [ErrorCode.InvalidTotpCode]: 'code' };

/** Console login: password, TOTP code (or new enrolment), structure, step-up, logout. */
@ApiExcludeController()
@Controller()
export class LoginController {
  constructor(
    private readonly login: ConsoleLogin,
    private readonly members: MemberContexts,
    private readonly enrolments: EnrolmentSecrets,
  ) {}

  @Get('connexion')
  @Render('console/login.njk')
  loginPage(@Query('compte') account?: string, @Query('deconnecte') loggedOut?: string) {
    return { pageTitle: 'Connexion', accountCreated: account === 'cree', loggedOut: loggedOut === '1' };
  }

  @Post('connexion')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('console/login.njk', { pageTitle: 'Connexion' })
  async submitLogin(@Body() form: LoginForm, @Req() req: Request, @Res() res: Response) {
    res.redirect(303, await this.login.password(req, form.email, form.password));
  }

  @Get('connexion/code')
  @Render('console/code.njk')
  codePage(@Req() req: Request) {
    this.login.pendingAideId(req);
    return { pageTitle: 'Code de connexion' };
  }

  @Post('connexion/code')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('console/code.njk', { pageTitle: 'Code de connexion' }, CODE_FIELD)
  async submitCode(@Body() form: CodeForm, @Req() req: Request, @Res() res: Response) {
    res.redirect(303, await this.login.code(req, digits(form.code)));
  }

  @Get('connexion/enrolement')
  @Render('console/enrolment.njk')
  async enrolmentPage(@Req() req: Request) {
    const aide = await this.login.pendingAide(req);
    return {
      pageTitle: 'Nouvelle double authentification',
      enrolment: await this.enrolments.issue(aide.id, aide.email),
    };
  }

  @Post('connexion/enrolement')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('console/enrolment.njk', 'enrolmentPage', CODE_FIELD)
  async submitEnrolment(@Body() form: EnrolmentForm, @Req() req: Request, @Res() res: Response) {
    const aide = await this.login.pendingAide(req);
    const secret = this.enrolments.open(form.enrolment, aide.id);
    res.redirect(303, await this.login.enrol(req, secret, digits(form.code)));
  }

  @Get('connexion/confirmation')
  @Render('console/step-up.njk')
  stepUpPage() {
    return { pageTitle: 'Confirmez avec votre code' };
  }

  @Post('connexion/confirmation')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('console/step-up.njk', { pageTitle: 'Confirmez avec votre code' }, CODE_FIELD)
  async submitStepUp(@Body() form: CodeForm, @Req() req: Request, @Res() res: Response) {
    res.redirect(303, await this.login.stepUp(req, digits(form.code)));
  }

  @Get('structure')
  @Render('console/structure-choice.njk')
  async structurePage(@Req() req: Request) {
    const aideId = req.session?.aideId;
    if (!aideId) throw new DomainException(ErrorCode.Unauthorized, { redirectTo: CONSOLE_PATHS.login });
    return {
      pageTitle: 'Choix de la structure',
      memberships: await this.members.forAide(aideId),
      current: req.session.structureId,
    };
  }

  @Post('structure')
  @FormPage('console/structure-choice.njk', 'structurePage')
  async chooseStructure(@Body() form: StructureChoiceForm, @Req() req: Request, @Res() res: Response) {
    res.redirect(303, await this.login.chooseStructure(req, form.structureId));
  }

  @Post('deconnexion')
  async logout(@Body() _form: FormDto, @Req() req: Request, @Res() res: Response) {
    await this.login.logout(req);
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, `${CONSOLE_PATHS.login}?deconnecte=1`);
  }
}
