import { type DynamicModule, Module } from '@nestjs/common';
import type Provider from 'oidc-provider';

import { IdentityPicker } from './interaction/identity-picker.service.js';
import { InteractionController } from './interaction/interaction.controller.js';
import { PagesController } from './pages/pages.controller.js';
import { IDENTITY_PROVIDER, SANDBOX_SETTINGS, type SandboxSettings } from './sandbox.tokens.js';

@Module({})
export class SandboxModule {
  static register(provider: Provider, settings: SandboxSettings): DynamicModule {
    return {
      module: SandboxModule,
      controllers: [InteractionController, PagesController],
      providers: [
        { provide: IDENTITY_PROVIDER, useValue: provider },
        { provide: SANDBOX_SETTINGS, useValue: settings },
        IdentityPicker,
      ],
    };
  }
}
