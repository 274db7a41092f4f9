import { errorText, type ErrorCode } from './enums/error-code.enum.js';

/**
 * Base of every error Relais raises on purpose. The code decides the HTTP status and the French
 * text; `details` must hold no personal data (it is returned to the client, not logged).
 */
export class DomainException extends Error {
  readonly status: number;
  readonly title: string;
  readonly userMessage: string;

  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    userMessage?: string,
    /** For browsers: send them there (303) instead of showing the error page, e.g. the login page. */
    readonly redirectTo?: string,
  ) {
    const text = errorText(code);
    super(`${code}: ${userMessage ?? text.message}`);
    this.name = new.target.name;
    this.status = text.status;
    this.title = text.title;
    this.userMessage = userMessage ?? text.message;
  }
}
