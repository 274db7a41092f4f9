import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { loadConfig } from './load-config.js';
import { RELAIS_CONFIG } from './relais-config.token.js';

/**
 * @nestjs/config reads the environment (and an optional .env file); RELAIS_CONFIG validates it
 * when the app boots, so a bad or missing setting stops the process with a message naming it.
 * Services inject the frozen, typed result.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ cache: true, envFilePath: '.env' })],
  providers: [{ provide: RELAIS_CONFIG, useFactory: () => loadConfig(process.env) }],
  exports: [RELAIS_CONFIG],
})
export class RelaisConfigModule {}
