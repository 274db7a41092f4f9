import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { RELAIS_CONFIG, type RelaisConfig, trustedProxies } from '@relais/config';
import { OIDC_MOUNT_PATH, OIDC_PROVIDER, ProviderPages } from '@relais/delegation';
import { relaisValidationPipe } from '@relais/exceptions';
import { answerOversizedRequests, configureWeb, securityHeaders, urlLengthLimit } from '@relais/web';
import { Logger } from 'nestjs-pino';
import type Provider from 'oidc-provider';

import { ApiModule } from './api.module.js';

/** How long an idle keep-alive connection stays open: longer than a proxy's upstream keep-alive. */
export const KEEP_ALIVE_MS = 65_000;

/** Everything the api sets up around its modules: logs, parsers, validation, pages, OpenAPI. */
export function configureApi(app: NestExpressApplication): NestExpressApplication {
  const config = app.get<RelaisConfig>(RELAIS_CONFIG);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', trustedProxies(config) || false);
  app.disable('x-powered-by');
  // Hostile input: a URL over 8 KiB is a 414 page; a request line or headers over Node's limit get 414/431, not a reset.
  answerOversizedRequests(app.getHttpServer());
  // Idle keep-alive connections outlive a proxy's (nginx keeps its upstream ones 60 s): a request
  // sent on a connection Node had just closed (its default is 5 s) would fail with a reset.
  app.getHttpServer().keepAliveTimeout = KEEP_ALIVE_MS;
  app.use(urlLengthLimit());
  // The OpenID provider first: it parses its own requests (before Nest's body parsers). Its
  // responses carry the console's security headers too (the provider adapts them: CORS routes,
  // form targets).
  app.use(OIDC_MOUNT_PATH, securityHeaders(config), app.get<Provider>(OIDC_PROVIDER).callback());
  app.useBodyParser('json', { limit: '100kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '100kb' });
  app.useGlobalPipes(relaisValidationPipe());
  configureWeb(app, config);
  const express = app.getHttpAdapter().getInstance();
  app
    .get(ProviderPages)
    .use(
      (view, locals) =>
        new Promise((resolve, reject) =>
          express.render(view, locals, (error: Error | null, html: string) => (error ? reject(error) : resolve(html))),
        ),
    );
  const openApi = new DocumentBuilder()
    .setTitle('Relais API')
    .setDescription('Mandates for professional digital aides acting on behalf of citizens.')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));
  app.enableShutdownHooks();
  return app;
}

/** Builds the api application (main.ts and the browser tests), not yet listening. */
export async function createApi(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, abortOnError: false });
  return configureApi(app);
}
