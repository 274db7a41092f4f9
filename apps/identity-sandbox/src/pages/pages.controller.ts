import { Controller, Get, Inject, Render } from '@nestjs/common';

import { birthInFrench, TEST_IDENTITIES } from '../identities/test-identities.js';
import { SANDBOX_SETTINGS, type SandboxSettings } from '../sandbox.tokens.js';

/** The sandbox's home ("Retour à FranceConnect" leads here) and help pages. */
@Controller()
export class PagesController {
  constructor(@Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings) {}

  @Get()
  @Render('home.njk')
  home() {
    return {
      pageTitle: 'Bac à sable FranceConnect',
      issuer: this.settings.issuer,
      clients: this.settings.clients.map(({ client_id, client_name, redirect_uris }) => ({
        clientId: client_id,
        clientName: client_name,
        redirectUris: redirect_uris,
      })),
      identities: TEST_IDENTITIES.map((identity) => ({ ...identity.claims, birth: birthInFrench(identity) })),
    };
  }

  @Get('aide')
  @Render('help.njk')
  help() {
    return { pageTitle: 'Aide' };
  }
}
