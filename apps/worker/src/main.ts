import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { exitOnBootFailure, loadConfig } from '@relais/config';
import { Logger } from 'nestjs-pino';

import { WorkerModule } from './worker.module.js';

try {
  loadConfig(); // fail fast, before Nest logs anything, naming every bad setting
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT close the BullMQ workers: the job in progress finishes, none is taken after.
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('worker started');
} catch (error) {
  exitOnBootFailure(error);
}
