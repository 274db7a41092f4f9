import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';

import type { SessionSubject } from '../interfaces/session-subject.interface.js';
import { CONSOLE_PATHS } from '../session-data.js';
import { MemberContexts, type MemberContext, type Operator } from './member-context.service.js';

const consolePages = { loginPath: CONSOLE_PATHS.login, stepUpPath: CONSOLE_PATHS.stepUp };

/** Who a console session logs in: a member of the structure chosen, or an operator. */
@Injectable()
export class ConsoleSubjects {
  /** An aide in their current structure (aide, membership and structure still active). */
  readonly member: SessionSubject<MemberContext>;
  /** An operator account, whatever its structure. */
  readonly operator: SessionSubject<Operator>;
  /**
   * The aide and structure the session names, not looked up: for a step whose own statement
   * applies the acting rule to them in the same round trip (the delegated login's confirmation,
   * DelegationOpener.open). Everything else of the session check holds (live session, step-up).
   */
  readonly sessionMember: SessionSubject<{ aideId: string; structureId: string }>;

  constructor(members: MemberContexts) {
    this.member = {
      ...consolePages,
      loggedIn: (session) => session.aideId,
      load: async (session) => {
        if (!session.structureId) {
          return {
            choose: { code: ErrorCode.StructureChoiceRequired, redirectTo: CONSOLE_PATHS.structureChoice },
          };
        }
        const member = await members.find(session.aideId!, session.structureId);
        return member ? { principal: member } : { gone: true };
      },
    };
    this.sessionMember = {
      ...consolePages,
      loggedIn: (session) => session.aideId,
      load: async (session) =>
        session.structureId
          ? { principal: { aideId: session.aideId!, structureId: session.structureId } }
          : { choose: { code: ErrorCode.StructureChoiceRequired, redirectTo: CONSOLE_PATHS.structureChoice } },
    };
    this.operator = {
      ...consolePages,
      loggedIn: (session) => session.aideId,
      load: async (session) => {
        const operator = await members.operator(session.aideId!);
        // A logged-in aide who is not an operator: refused, still logged in.
        if (!operator) throw new DomainException(ErrorCode.Forbidden);
        return { principal: operator };
      },
    };
  }
}
