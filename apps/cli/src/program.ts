import { DomainException, ValidationFailedException } from '@relais/exceptions';
import { Command, CommanderError } from 'commander';

import { CliContext, type CommandRegistration } from './cli-context.js';
import { aideCommands } from './commands/aide.command.js';
import { attestationCommands } from './commands/attestation.command.js';
import { auditCommands } from './commands/audit.command.js';
import { citizenEmailsCommands } from './commands/citizen-emails.command.js';
import { consentTranslationCommands } from './commands/consent-translation.command.js';
import { databaseCommands } from './commands/database.command.js';
import { demoCommands } from './commands/demo.command.js';
import { docsCommands } from './commands/docs.command.js';
import { keysCommands } from './commands/keys.command.js';
import { secretsCommands } from './commands/secrets.command.js';
import { notificationsCommands } from './commands/notifications.command.js';
import { operatorCommands } from './commands/operator.command.js';
import { placesCommands } from './commands/places.command.js';
import { publicServiceCommands } from './commands/public-service.command.js';
import { queueCommands } from './commands/queue.command.js';
import { reportCommands } from './commands/report.command.js';
import { structureCommands } from './commands/structure.command.js';

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

/** The `relais` program with every command, its parse errors thrown (CommanderError) rather than exiting. */
export function relaisProgram(context: CliContext): Command {
  const program = new Command('relais').description('Relais operator commands').showHelpAfterError().exitOverride();
  registrations.forEach((register) => register(program, context));
  return program;
}

/**
 * Runs the command `argv` names (without node and the script) and returns the exit code. What
 * the operator reads on a failure is one message: the French text of a refusal (and each refused
 * field), commander's own for a bad command line, or the error's message — never a stack trace.
 */
export async function runRelais(argv: string[], context = new CliContext()): Promise<number> {
  process.exitCode = undefined;
  try {
    await relaisProgram(context).parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message (and the help); help and --version are not failures.
      return error.exitCode === 0 ? 0 : Math.max(error.exitCode, 1);
    }
    if (error instanceof DomainException) {
      console.error(`Erreur : ${error.userMessage}`);
      if (error instanceof ValidationFailedException) {
        error.fields.forEach(({ field, problems }) => console.error(`  ${field} : ${problems.join(' ')}`));
      }
    } else {
      console.error(`Error: ${(error as Error).message}`);
    }
    return 1;
  } finally {
    await context.close();
  }
}
