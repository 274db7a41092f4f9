import {
  applyDecorators,
  HttpException,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { DomainException, type ErrorCode, ValidationFailedException } from '@relais/exceptions';
import type { Request, Response } from 'express';
import { catchError, from, type Observable } from 'rxjs';

export type PageLocals = Record<string, unknown>;

/**
 * How to rebuild a form's page: fixed locals, or the name of a method of the controller that
 * takes the request and returns them (e.g. 'newMandatePage').
 */
export type FormPageLocals = PageLocals | string;

/** The field a domain error is about, by error code (e.g. a wrong TOTP code → 'code'). */
export type FormErrorFields = Partial<Record<ErrorCode, string>>;

interface FormPageOptions {
  template: string;
  locals: FormPageLocals;
  fields: FormErrorFields;
}

/** What a re-rendered form receives besides its page locals. */
export interface FormErrorLocals {
  /** What the person typed, without secrets (see SECRET_FIELDS). */
  values: Record<string, unknown>;
  /** The first French message of each bad field, by field name. */
  errors: Record<string, string>;
  errorSummary: { title: string; message?: string; items: { field: string; message: string }[] };
}

const FORM_PAGE = 'relais:form-page';

/** Never sent back into a page: the browser forgets them, so must we. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  '_csrf',
  'password',
  'passwordConfirmation',
  'code',
  'enrolment',
]);

/**
 * The handler answers a form of `template`: when its input is invalid (ValidationFailedException)
 * or the action refuses it (a DomainException without redirect), a browser gets the same form
 * back, filled in, with the messages — not the generic error page. The handler must reply itself
 * (@Res), never with @Render.
 */
export function FormPage(template: string, locals: FormPageLocals = {}, fields: FormErrorFields = {}) {
  return applyDecorators(
    SetMetadata(FORM_PAGE, { template, locals, fields } satisfies FormPageOptions),
    UseInterceptors(FormPageInterceptor),
  );
}

@Injectable()
export class FormPageInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const form = this.reflector.get<FormPageOptions>(FORM_PAGE, context.getHandler());
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!isFormError(error) || res.headersSent) throw error;
        return from(this.rerender(form, context, req, res, error));
      }),
    );
  }

  private async rerender(
    form: FormPageOptions,
    context: ExecutionContext,
    req: Request,
    res: Response,
    error: DomainException,
  ): Promise<void> {
    let page: PageLocals;
    try {
      page = await this.pageLocals(form.locals, context, req);
    } catch (pageError) {
      // The page cannot be rebuilt from this request (e.g. a malformed id in its path): its own
      // error when it has one (404…), else the form's error on the generic page, never a 500.
      throw pageError instanceof DomainException || pageError instanceof HttpException ? pageError : error;
    }
    // Rebuilding the page may have answered itself (a session that ended: the login page).
    if (res.headersSent) return;
    // A search form (GET) sends its fields in the query.
    const sent: unknown = req.method === 'GET' ? req.query : req.body;
    res.status(error.status).render(form.template, { ...page, ...formErrorLocals(error, sent, form.fields) });
  }

  private async pageLocals(locals: FormPageLocals, context: ExecutionContext, req: Request): Promise<PageLocals> {
    if (typeof locals !== 'string') return locals;
    const controller = this.moduleRef.get(context.getClass(), { strict: false }) as Record<
      string,
      (req: Request) => PageLocals | Promise<PageLocals>
    >;
    return controller[locals](req);
  }
}

/** Not a mistake in the form: what one may not do, and what does not exist, keep their own pages. */
const NOT_FORM_STATUSES = new Set([403, 404]);

/** Errors that belong on the form; others (redirects, access, 5xx) go to the global filter. */
function isFormError(error: unknown): error is DomainException {
  return (
    error instanceof DomainException && !error.redirectTo && error.status < 500 && !NOT_FORM_STATUSES.has(error.status)
  );
}

/** The summary, the message of each field and the values kept, for the form's template. */
export function formErrorLocals(error: DomainException, body: unknown, fields: FormErrorFields = {}): FormErrorLocals {
  const values = Object.fromEntries(
    Object.entries(body && typeof body === 'object' ? body : {}).filter(([name]) => !SECRET_FIELDS.has(name)),
  );
  if (!(error instanceof ValidationFailedException)) {
    const field = fields[error.code];
    const items = field ? [{ field, message: error.userMessage }] : [];
    return {
      values,
      errors: field ? { [field]: error.userMessage } : {},
      errorSummary: { title: error.title, message: field ? undefined : error.userMessage, items },
    };
  }
  const items = error.fields.map(({ field, problems }) => ({ field, message: problems[0] }));
  return {
    values,
    errors: Object.fromEntries(items.map(({ field, message }) => [field, message])),
    errorSummary: {
      title: items.length > 1 ? `Le formulaire contient ${items.length} erreurs` : 'Le formulaire contient une erreur',
      items,
    },
  };
}
