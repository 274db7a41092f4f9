import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';

/** Who the console header names: the logged-in person and the structure they act for. */
export interface ConsoleViewer {
  name: string;
  /** Absent on operator pages, which belong to no structure. */
  structureName?: string;
}

interface LoggedInPerson {
  email: string;
  givenName: string | null;
  familyName: string | null;
  structureName?: string;
}

/**
 * Gives every page of a console route (after ConsoleGuard put `member` on the request) the
 * header's `viewer`, including the error pages of those routes.
 */
@Injectable()
export class ConsoleViewerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const person = context.switchToHttp().getRequest<Request & { member?: LoggedInPerson }>().member;
      if (person) context.switchToHttp().getResponse<Response>().locals.viewer = consoleViewer(person);
    }
    return next.handle();
  }
}

export function consoleViewer(person: LoggedInPerson): ConsoleViewer {
  const name = [person.givenName, person.familyName].filter(Boolean).join(' ') || person.email;
  return { name, structureName: person.structureName };
}
