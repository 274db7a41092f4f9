import { Module } from '@nestjs/common';

import { FranceConnectClient } from './services/france-connect-client.service.js';

/** Relais's FranceConnect client; the app also imports RelaisConfigModule (global). */
@Module({
  providers: [FranceConnectClient],
  exports: [FranceConnectClient],
})
export class FranceConnectModule {}
