import type { MailCatcherOptions } from './mail-catcher.js';

/** A setting the catcher cannot start with; the message names the variable. */
export class MailCatcherConfigError extends Error {
  override readonly name = 'MailCatcherConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MailCatcherConfigError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** MAIL_CATCHER_SMTP_PORT (1025), MAIL_CATCHER_HTTP_PORT (1080), MAIL_CATCHER_HOST (127.0.0.1), MAIL_CATCHER_LIMIT (500). */
export function loadMailCatcherConfig(env: NodeJS.ProcessEnv = process.env): MailCatcherOptions {
  return {
    smtpPort: integer(env, 'MAIL_CATCHER_SMTP_PORT', 1025, 0, 65_535),
    httpPort: integer(env, 'MAIL_CATCHER_HTTP_PORT', 1080, 0, 65_535),
    host: env.MAIL_CATCHER_HOST || '127.0.0.1',
    limit: integer(env, 'MAIL_CATCHER_LIMIT', 500, 1, 100_000),
  };
}
