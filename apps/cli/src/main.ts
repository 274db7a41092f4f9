import 'reflect-metadata';

import { Command } from 'commander';

import { CliContext, type CommandRegistration } from './cli-context.js';
import { auditCommands } from './commands/audit.command.js';
import { databaseCommands } from './commands/database.command.js';
import { demoCommands } from './commands/demo.command.js';
import { docsCommands } from './commands/docs.command.js';

/** Every operator command; a module adds its registration here. */
const registrations: CommandRegistration[] = [databaseCommands, auditCommands, docsCommands, demoCommands];

const context = new CliContext();
const program = new Command('relais').description('Relais operator commands').showHelpAfterError();
registrations.forEach((register) => register(program, context));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`Error: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await context.close();
}
