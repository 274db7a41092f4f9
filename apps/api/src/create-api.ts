import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { relaisValidationPipe } from '@relais/exceptions';
import { configureWeb } from '@relais/web';
import { Logger } from 'nestjs-pino';

import { ApiModule } from './api.module.js';

/** Builds the api application (used by main.ts and by the tests), not yet listening. */
export async function createApi(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, abortOnError: false });
  const config = app.get<RelaisConfig>(RELAIS_CONFIG);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.ISSUER.startsWith('https:') ? 1 : false);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '100kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '100kb' });
  app.useGlobalPipes(relaisValidationPipe());
  configureWeb(app, config);
  const openApi = new DocumentBuilder()
    .setTitle('Relais API')
    .setDescription('Mandates for professional digital aides acting on behalf of citizens.')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));
  app.enableShutdownHooks();
  return app;
}
