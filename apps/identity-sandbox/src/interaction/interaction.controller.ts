import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';

import { INTERACTION_PATH } from '../provider/identity-provider.factory.js';
import { IdentityPicker } from './identity-picker.service.js';

/** The pages oidc-provider sends the browser to (devInteractions are off). */
@Controller(INTERACTION_PATH.slice(1))
export class InteractionController {
  constructor(private readonly picker: IdentityPicker) {}

  @Get(':uid')
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.picker.loginPage(req, res);
    if (page) res.render('login.njk', page);
  }

  @Post(':uid/identite')
  pick(@Req() req: Request, @Res() res: Response, @Body('identite') key: unknown): Promise<void> {
    return this.picker.pick(req, res, key);
  }

  @Post(':uid/abandon')
  abandon(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.picker.abandon(req, res);
  }
}
