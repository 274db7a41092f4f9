import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import nunjucks from 'nunjucks';
import type Provider from 'oidc-provider';

import { createIdentityProvider, PROTOCOL_PATH } from './provider/identity-provider.factory.js';
import { signingKeys } from './provider/signing-keys.js';
import type { SandboxConfig } from './sandbox-config.js';
import { SandboxErrorFilter } from './sandbox-error.filter.js';
import { SANDBOX_PATHS } from './sandbox-paths.js';
import { SandboxModule } from './sandbox.module.js';

export interface RunningSandbox {
  issuer: string;
  port: number;
  provider: Provider;
  close(): Promise<void>;
}

/** Requests oidc-provider answers; everything else is a page of the sandbox. */
const PROTOCOL_REQUEST = new RegExp(`^(?:${PROTOCOL_PATH}/|/\\.well-known/)`);

/**
 * The login form posts to the sandbox, which redirects to the service's callback: Chromium checks
 * those redirects against form-action, so the services' origins must be allowed there.
 */
function formActionSources(config: SandboxConfig): string[] {
  const uris = config.clients.flatMap((client) => [
    ...(client.redirect_uris ?? []),
    ...(client.post_logout_redirect_uris ?? []),
  ]);
  return ["'self'", ...new Set(uris.filter((uri) => URL.canParse(uri)).map((uri) => new URL(uri).origin))];
}

/** Builds the sandbox (Nest pages + oidc-provider), ready to serve requests, not listening. */
export async function createSandbox(
  config: SandboxConfig,
  issuer: string,
): Promise<{ app: NestExpressApplication; provider: Provider }> {
  const views = new nunjucks.Environment(new nunjucks.FileSystemLoader(SANDBOX_PATHS.views), { autoescape: true });
  const provider = createIdentityProvider({
    issuer,
    clients: config.clients,
    jwks: await signingKeys(config.jwks),
    cookieKeys: config.cookieKeys,
    render: (template, context) => views.render(template, context),
  });
  const app = await NestFactory.create<NestExpressApplication>(
    SandboxModule.register(provider, { issuer, clients: config.clients }),
    { logger: ['error', 'warn'], abortOnError: false },
  );
  const express = app.getHttpAdapter().getInstance() as Express;
  views.express(express);
  app.setBaseViewsDir(SANDBOX_PATHS.views);
  app.setViewEngine('njk');
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: formActionSources(config),
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  // Before init: oidc-provider reads its own request bodies, ahead of Nest's body parsers.
  const protocol = provider.callback();
  app.use((req: Request, res: Response, next: NextFunction) =>
    PROTOCOL_REQUEST.test(req.path) ? protocol(req, res) : next(),
  );
  app.useStaticAssets(SANDBOX_PATHS.dsfr, { prefix: '/dsfr/', index: false });
  app.useStaticAssets(SANDBOX_PATHS.public, { prefix: '/static/', index: false });
  app.useGlobalFilters(new SandboxErrorFilter());
  await app.init();
  return { app, provider };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Listens first (port 0 picks a free port), then builds the sandbox with the issuer that port
 * gives when SANDBOX_ISSUER is not set.
 */
export async function startSandbox(config: SandboxConfig): Promise<RunningSandbox> {
  const server = createServer();
  const port = await listen(server, config.port, config.host);
  try {
    const issuer = config.issuer ?? `http://localhost:${port}`;
    const { app, provider } = await createSandbox(config, issuer);
    server.on('request', app.getHttpAdapter().getInstance());
    return {
      issuer,
      port,
      provider,
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
