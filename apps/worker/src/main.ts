import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { exitOnBootFailure, loadConfig } from '@relais/config';
import { Logger } from 'nestjs-pino';

import { armShutdownDeadline } from './shutdown-deadline.js';
import { WorkerModule } from './worker.module.js';

try {
  const config = loadConfig(); // fail fast, before Nest logs anything, naming every bad setting
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT close the BullMQ workers: the job in progress finishes, none is taken after.
  app.enableShutdownHooks();
  armShutdownDeadline(config.WORKER_SHUTDOWN_TIMEOUT_MS, () => {
    app
      .get(Logger)
      .warn({ timeoutMs: config.WORKER_SHUTDOWN_TIMEOUT_MS }, 'jobs still running at the shutdown timeout: exiting');
    process.exit(1);
  });
  await app.init();
  app.get(Logger).log('worker started');
} catch (error) {
  exitOnBootFailure(error);
}
