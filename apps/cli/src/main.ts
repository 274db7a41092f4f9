import 'reflect-metadata';

import { DomainException, ValidationFailedException } from '@relais/exceptions';
import { Command } from 'commander';

import { CliContext, type CommandRegistration } from './cli-context.js';
import { aideCommands } from './commands/aide.command.js';
import { auditCommands } from './commands/audit.command.js';
import { databaseCommands } from './commands/database.command.js';
import { demoCommands } from './commands/demo.command.js';
import { docsCommands } from './commands/docs.command.js';
import { keysCommands } from './commands/keys.command.js';
import { secretsCommands } from './commands/secrets.command.js';
import { operatorCommands } from './commands/operator.command.js';
import { publicServiceCommands } from './commands/public-service.command.js';
import { attestationCommands } from './commands/attestation.command.js';
import { placesCommands } from './commands/places.command.js';
import { structureCommands } from './commands/structure.command.js';
import { queueCommands } from './commands/queue.command.js';
import { citizenEmailsCommands } from './commands/citizen-emails.command.js';
import { consentTranslationCommands } from './commands/consent-translation.command.js';
import { notificationsCommands } from './commands/notifications.command.js';
import { reportCommands } from './commands/report.command.js';

/** Every operator command; a module adds its registration here. */
const registrations: CommandRegistration[] = [
  databaseCommands,
  auditCommands,
  docsCommands,
  demoCommands,
  structureCommands,
  aideCommands,
  keysCommands,
  secretsCommands,
  operatorCommands,
  attestationCommands,
  publicServiceCommands,
  placesCommands,
  queueCommands,
  citizenEmailsCommands,
  consentTranslationCommands,
  notificationsCommands,
  reportCommands,
];

const context = new CliContext();
const program = new Command('relais').description('Relais operator commands').showHelpAfterError();
registrations.forEach((register) => register(program, context));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof DomainException) {
    // What the operator reads is the French text, with each refused field when there are some.
    console.error(`Erreur : ${error.userMessage}`);
    if (error instanceof ValidationFailedException) {
      error.fields.forEach(({ field, problems }) => console.error(`  ${field} : ${problems.join(' ')}`));
    }
  } else {
    console.error(`Error: ${(error as Error).message}`);
  }
  process.exitCode = 1;
} finally {
  await context.close();
}
