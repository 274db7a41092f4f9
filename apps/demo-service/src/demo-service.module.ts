import { type DynamicModule, Module } from '@nestjs/common';

import { DEMO_SESSIONS, DEMO_SETTINGS, type DemoSettings, RELAIS_CLIENT } from './demo-service.tokens.js';
import { PagesController } from './pages/pages.controller.js';
import type { RelaisClient } from './relying-party/relais-client.js';
import type { DemoSessions } from './session/demo-sessions.js';

@Module({})
export class DemoServiceModule {
  static register(settings: DemoSettings, relais: RelaisClient, sessions: DemoSessions): DynamicModule {
    return {
      module: DemoServiceModule,
      controllers: [PagesController],
      providers: [
        { provide: DEMO_SETTINGS, useValue: settings },
        { provide: RELAIS_CLIENT, useValue: relais },
        { provide: DEMO_SESSIONS, useValue: sessions },
      ],
    };
  }
}
