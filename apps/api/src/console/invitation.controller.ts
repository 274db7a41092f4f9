import { Body, Controller, Get, Param, Post, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InvitationsService, PASSWORD_MIN_LENGTH } from '@relais/aides';
import { CONSOLE_PATHS, EnrolmentSecrets, LoginRateLimitGuard } from '@relais/auth';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { AccountSetupForm, digits } from './dto/forms.dto.js';

/** The single-use invitation link: choose a password and enrol the second factor. */
@ApiExcludeController()
@Controller('invitation')
export class InvitationController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly enrolments: EnrolmentSecrets,
  ) {}

  private async page(token: string) {
    const { invitation, aide } = await this.invitations.findValid(token);
    return {
      pageTitle: 'Création de votre compte',
      email: aide.email,
      minLength: PASSWORD_MIN_LENGTH,
      enrolment: await this.enrolments.issue(invitation.id, aide.email),
    };
  }

  @Get(':token')
  @Render('console/account-setup.njk')
  show(@Param('token') token: string) {
    return this.page(token);
  }

  /** The page again, for a form sent with a mistake (FormPage). */
  setupPage(req: Request) {
    return this.page(req.params.token as string);
  }

  @Post(':token')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('console/account-setup.njk', 'setupPage', {
    [ErrorCode.PasswordMismatch]: 'passwordConfirmation',
    [ErrorCode.WeakPassword]: 'password',
    [ErrorCode.GuessablePassword]: 'password',
    [ErrorCode.InvalidTotpCode]: 'code',
  })
  async submit(@Param('token') token: string, @Body() form: AccountSetupForm, @Res() res: Response) {
    if (form.password !== form.passwordConfirmation) throw new DomainException(ErrorCode.PasswordMismatch);
    const { invitation } = await this.invitations.findValid(token);
    const secret = this.enrolments.open(form.enrolment, invitation.id);
    await this.invitations.activate(token, form.password, secret, digits(form.code));
    res.redirect(303, `${CONSOLE_PATHS.login}?compte=cree`);
  }
}
