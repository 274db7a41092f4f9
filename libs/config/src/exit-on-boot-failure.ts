import { InvalidConfigurationError } from './invalid-configuration.error.js';

/** Ends a process that could not start, with a message a person can act on. */
export function exitOnBootFailure(error: unknown): never {
  if (error instanceof InvalidConfigurationError) {
    process.stderr.write(`Relais cannot start. ${error.message}\n`);
  } else {
    process.stderr.write(`Relais cannot start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
}
