import type { ErrorCode } from './enums/error-code.enum.js';
import { errorText } from './error-catalogue.js';

export interface DomainExceptionOptions {
  /** Sent to the client with the code (JSON): never personal data. */
  details?: unknown;
  /** For browsers: send them there (303) instead of the error page, e.g. the login page. */
  redirectTo?: string;
  /** Values for the `{name}` slots of the catalogue's message (never personal data). */
  params?: Record<string, string>;
  /** The error behind this one, for the logs. */
  cause?: unknown;
}

/**
 * Base of every error Relais raises on purpose. The code decides the HTTP status and the French
 * text (ERROR_CATALOGUE): a new case is a new code, never a message written at the throw.
 */
export class DomainException extends Error {
  readonly status: number;
  readonly title: string;
  readonly userMessage: string;
  readonly details?: unknown;
  readonly redirectTo?: string;

  constructor(
    readonly code: ErrorCode,
    options: DomainExceptionOptions = {},
  ) {
    const text = errorText(code);
    const message = text.message.replace(/\{(\w+)\}/g, (_, name: string) => options.params?.[name] ?? '');
    super(`${code}: ${message}`, { cause: options.cause });
    this.name = new.target.name;
    this.status = text.status;
    this.title = text.title;
    this.userMessage = message;
    this.details = options.details;
    this.redirectTo = options.redirectTo;
  }
}
