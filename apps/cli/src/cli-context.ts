import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { CliModule } from './cli.module.js';

/** Starts the Nest context on first use only, so commands that need no database start fast. */
export class CliContext {
  private app?: Promise<INestApplicationContext>;

  get(): Promise<INestApplicationContext> {
    this.app ??= NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
    return this.app;
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    if (app) await (await app).close();
  }
}

/** A command adds itself to the program; its action gets the lazily started context. */
export type CommandRegistration = (program: import('commander').Command, context: CliContext) => void;
