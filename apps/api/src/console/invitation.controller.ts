import { Body, Controller, Get, Param, Post, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InvitationsService, PASSWORD_MIN_LENGTH } from '@relais/aides';
import { CONSOLE_PATHS, EnrolmentSecrets, LoginRateLimitGuard } from '@relais/auth';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { Response } from 'express';

import { AccountSetupForm, digits } from './dto/forms.dto.js';
import { renderFormError } from './render-form-error.js';

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

  @Post(':token')
  @UseGuards(LoginRateLimitGuard)
  async submit(@Param('token') token: string, @Body() form: AccountSetupForm, @Res() res: Response) {
    await renderFormError(
      res,
      'console/account-setup.njk',
      () => this.page(token),
      async () => {
        if (form.password !== form.passwordConfirmation) {
          throw new DomainException(ErrorCode.PasswordMismatch);
        }
        const { invitation } = await this.invitations.findValid(token);
        const secret = this.enrolments.open(form.enrolment, invitation.id);
        await this.invitations.activate(token, form.password, secret, digits(form.code));
        res.redirect(303, `${CONSOLE_PATHS.login}?compte=cree`);
      },
    );
  }
}
