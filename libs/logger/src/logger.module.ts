import { Module } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';

import { REDACTED_PATHS } from './redacted-paths.js';

/** Structured JSON logs on stdout (pino); personal data and secrets are redacted. */
@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [RELAIS_CONFIG],
      useFactory: (config: RelaisConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Query strings may carry codes, tokens or names: log the path only.
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customProps: () => ({ service: 'relais' }),
          autoLogging: { ignore: (req: { url?: string }) => req.url?.startsWith('/dsfr/') ?? false },
        },
      }),
    }),
  ],
})
export class LoggerModule {}
