import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import helmet from 'helmet';
import nunjucks from 'nunjucks';

import type { DemoServiceConfig } from './demo-service-config.js';
import { DemoServiceErrorFilter } from './demo-service-error.filter.js';
import { DEMO_SERVICE_PATHS } from './demo-service-paths.js';
import type { DemoSettings } from './demo-service.tokens.js';
import { DemoServiceModule } from './demo-service.module.js';
import { RelaisClient } from './relying-party/relais-client.js';
import { DemoSessions } from './session/demo-sessions.js';

export interface RunningDemoService {
  /** Public base URL, without a trailing slash (`${url}/callback` is the redirect URI). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Builds the service (Nest pages + openid-client relying party), ready to serve requests, not listening. */
export async function createDemoService(config: DemoServiceConfig, url: string): Promise<NestExpressApplication> {
  const settings: DemoSettings = { url, area: config.area };
  const relais = new RelaisClient({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: `${url}/callback`,
    postLogoutRedirectUri: `${url}/`,
    area: config.area,
    allowInsecureIssuer: config.allowInsecureIssuer,
  });
  const sessions = new DemoSessions(config.cookieKeys, url.startsWith('https:'));
  const app = await NestFactory.create<NestExpressApplication>(DemoServiceModule.register(settings, relais, sessions), {
    logger: ['error', 'warn'],
    abortOnError: false,
    bodyParser: false,
  });
  const express = app.getHttpAdapter().getInstance() as Express;
  const views = new nunjucks.Environment(new nunjucks.FileSystemLoader(DEMO_SERVICE_PATHS.views), {
    autoescape: true,
  });
  views.express(express);
  app.setBaseViewsDir(DEMO_SERVICE_PATHS.views);
  app.setViewEngine('njk');
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          // The logout form ends with a redirect to Relais, which Chromium checks against form-action.
          formAction: ["'self'", new URL(config.issuer).origin],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      strictTransportSecurity: url.startsWith('https:'),
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.useStaticAssets(DEMO_SERVICE_PATHS.public, { prefix: '/static/', index: false });
  app.useGlobalFilters(new DemoServiceErrorFilter());
  await app.init();
  return app;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Listens first (port 0 picks a free port), then builds the service with the public URL that
 * port gives when `config.url` is not set. Relais is not contacted until the first login.
 */
export async function startDemoService(config: DemoServiceConfig): Promise<RunningDemoService> {
  const server = createServer();
  const port = await listen(server, config.port, config.host);
  try {
    const url = (config.url ?? `http://localhost:${port}`).replace(/\/+$/, '');
    const app = await createDemoService(config, url);
    server.on('request', app.getHttpAdapter().getInstance());
    return {
      url,
      port,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await app.close();
      },
    };
  } catch (error) {
    server.close();
    throw error;
  }
}
