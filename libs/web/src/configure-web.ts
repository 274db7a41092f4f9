import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot, type RelaisConfig } from '@relais/config';
import { frenchBirthDate, frenchDate, frenchDateTime } from '@relais/dates';
import helmet from 'helmet';
import nunjucks from 'nunjucks';

import { ConsoleViewerInterceptor } from './console-viewer.interceptor.js';

/** Where the DSFR's compiled assets are served from (local copy, no CDN). */
export const DSFR_PATH = '/dsfr';

/**
 * Server-rendered pages: nunjucks templates (autoescaped) from libs/web/views and the apps'
 * own views folders, the DSFR assets, and strict security headers.
 */
export function configureWeb(app: NestExpressApplication, config: RelaisConfig, viewDirs: string[] = []): void {
  const root = projectRoot();
  const views = [...viewDirs, join(root, 'libs/web/views')];
  const env = nunjucks.configure(views, {
    autoescape: true,
    throwOnUndefined: false,
    noCache: config.NODE_ENV === 'development',
    express: app.getHttpAdapter().getInstance(),
  });
  env.addGlobal('dsfrPath', DSFR_PATH);
  env.addGlobal('showStateBrand', config.SHOW_STATE_BRAND);
  // Dates as people read them in France, in Paris time (@relais/dates): "24 mai 2027" and
  // "24 mai 2027 à 17 h 12"; "le 14 juillet 1984", or "en 1985" when FranceConnect gives 1985-00-00.
  env.addFilter('date', (value: Date | string | null) => (value ? frenchDate(new Date(value)) : ''));
  env.addFilter('dateTime', (value: Date | string | null) => (value ? frenchDateTime(new Date(value)) : ''));
  env.addFilter('birthdate', (value: string) => frenchBirthDate(value));
  // Whether a checkbox or radio value is among what a re-rendered form sent (one value or several).
  env.addGlobal('isChosen', (sent: unknown, value: string) =>
    Array.isArray(sent) ? sent.includes(value) : sent === value,
  );
  app.useGlobalInterceptors(new ConsoleViewerInterceptor());
  app.setBaseViewsDir(views);
  app.setViewEngine('njk');

  app.use(securityHeaders(config));
  app.useStaticAssets(join(root, 'node_modules/@gouvfr/dsfr/dist'), {
    prefix: `${DSFR_PATH}/`,
    maxAge: config.NODE_ENV === 'production' ? '7d' : 0,
    index: false,
  });
  app.useStaticAssets(join(root, 'libs/web/public'), { prefix: '/static/', index: false });
  // Noto Sans Arabic (OFL) for translations of the consent text into Arabic-script languages.
  app.useStaticAssets(join(root, 'node_modules/@fontsource/noto-sans-arabic/files'), {
    prefix: '/static/fonts/noto-sans-arabic/',
    maxAge: config.NODE_ENV === 'production' ? '7d' : 0,
    index: false,
  });
}

/**
 * The security headers of every Relais response (pages, the OpenID provider under /oidc): a
 * strict Content-Security-Policy (frame-ancestors 'none'), nosniff, a same-origin Referrer-Policy,
 * and HSTS when the issuer is https.
 */
export function securityHeaders(config: RelaisConfig) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: config.ISSUER.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: config.ISSUER.startsWith('https:'),
    referrerPolicy: { policy: 'same-origin' },
  });
}
