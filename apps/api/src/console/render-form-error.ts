import { DomainException } from '@relais/exceptions';
import type { Response } from 'express';

type Locals = Record<string, unknown>;

/**
 * Runs a form action; a DomainException (wrong code, weak password…) re-renders the same form
 * with its French message and status instead of the generic error page.
 */
export async function renderFormError(
  res: Response,
  template: string,
  locals: Locals | (() => Promise<Locals>),
  action: () => Promise<unknown>,
): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof DomainException) || error.redirectTo) throw error;
    const base = typeof locals === 'function' ? await locals() : locals;
    res
      .status(error.status)
      .render(template, { ...base, formError: { title: error.title, message: error.userMessage } });
  }
}
