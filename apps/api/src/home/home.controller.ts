import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** The console's front page. */
@ApiExcludeController()
@Controller()
export class HomeController {
  @Get()
  @Render('home.njk')
  home() {
    return { pageTitle: 'Accueil' };
  }
}
