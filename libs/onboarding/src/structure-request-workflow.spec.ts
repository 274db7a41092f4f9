import { DomainException, ErrorCode } from '@relais/exceptions';

import {
  STATE_EMAILS,
  STRUCTURE_REQUEST_STATE_LABELS,
  STRUCTURE_REQUEST_STATES,
  StructureRequestAction,
  StructureRequestState,
  transition,
  TRANSITIONS,
} from './structure-request-workflow.js';

const { Draft, Submitted, ChangesRequested, Accepted, Refused, Closed } = StructureRequestState;

describe('the structure request workflow table', () => {
  it.each([
    [Draft, StructureRequestAction.SaveDraft, 'applicant', Draft],
    [Draft, StructureRequestAction.Submit, 'applicant', Submitted],
    [Submitted, StructureRequestAction.RequestChanges, 'operator', ChangesRequested],
    [ChangesRequested, StructureRequestAction.Amend, 'applicant', Submitted],
    [Submitted, StructureRequestAction.Accept, 'operator', Accepted],
    [Submitted, StructureRequestAction.Refuse, 'operator', Refused],
    [ChangesRequested, StructureRequestAction.Refuse, 'operator', Refused],
    [Draft, StructureRequestAction.Close, 'applicant', Closed],
    [Submitted, StructureRequestAction.Close, 'operator', Closed],
    [Draft, StructureRequestAction.Close, 'system', Closed],
    [ChangesRequested, StructureRequestAction.Close, 'system', Closed],
  ] as const)('%s --%s by %s--> %s', (from, action, by, to) => {
    expect(transition(from, action, by)).toBe(to);
  });

  it('refuses every step the table does not list, naming the state in French', () => {
    // Given every state × action × party that is not in the table
    let refused = 0;
    for (const state of STRUCTURE_REQUEST_STATES) {
      for (const action of Object.values(StructureRequestAction)) {
        for (const by of ['applicant', 'operator', 'system'] as const) {
          const step = TRANSITIONS[action];
          if (step.from.includes(state) && step.by.includes(by)) continue;
          // Then each one is a 409 with its own code
          expect(() => transition(state, action, by)).toThrow(DomainException);
          refused += 1;
        }
      }
    }
    expect(refused).toBeGreaterThan(60);
    try {
      transition(Accepted, StructureRequestAction.Refuse, 'operator');
    } catch (error) {
      const exception = error as DomainException;
      expect(exception.code).toBe(ErrorCode.StructureRequestTransitionRefused);
      expect(exception.status).toBe(409);
      expect(exception.userMessage).toBe(
        'Cette demande est « acceptée » : elle ne peut plus être refusée. Rechargez la page pour voir où elle en est.',
      );
    }
  });

  it('never lets the applicant accept, nor the operator amend, a request; Relais itself only closes', () => {
    expect(() => transition(Submitted, StructureRequestAction.Accept, 'applicant')).toThrow(DomainException);
    for (const action of Object.values(StructureRequestAction).filter((one) => one !== StructureRequestAction.Close)) {
      for (const state of STRUCTURE_REQUEST_STATES) {
        expect(() => transition(state, action, 'system')).toThrow(DomainException);
      }
    }
    expect(() => transition(ChangesRequested, StructureRequestAction.Amend, 'operator')).toThrow(DomainException);
  });

  it('ends in accepted, refused or closed: nothing leaves them', () => {
    for (const state of [Accepted, Refused, Closed]) {
      for (const step of Object.values(TRANSITIONS)) expect(step.from).not.toContain(state);
    }
  });

  it('has a French label and an email for every state', () => {
    for (const state of STRUCTURE_REQUEST_STATES) {
      expect(STRUCTURE_REQUEST_STATE_LABELS[state]).toBeTruthy();
      expect(STATE_EMAILS[state]).toMatch(/^structure_request_/);
    }
  });
});
