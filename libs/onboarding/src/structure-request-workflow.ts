import { AuditAction } from '@relais/audit';
import { NotificationKind } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';

/** Where a structure request stands; stored and journaled as is, so never rename a value. */
export enum StructureRequestState {
  Draft = 'draft',
  Submitted = 'submitted',
  ChangesRequested = 'changes_requested',
  Accepted = 'accepted',
  Refused = 'refused',
  Closed = 'closed',
}

export const STRUCTURE_REQUEST_STATES: readonly StructureRequestState[] = Object.values(StructureRequestState);

/** What people read (the applicant's page, the operator's list). */
export const STRUCTURE_REQUEST_STATE_LABELS: Record<StructureRequestState, string> = {
  [StructureRequestState.Draft]: 'Brouillon',
  [StructureRequestState.Submitted]: 'Envoyée',
  [StructureRequestState.ChangesRequested]: 'À modifier',
  [StructureRequestState.Accepted]: 'Acceptée',
  [StructureRequestState.Refused]: 'Refusée',
  [StructureRequestState.Closed]: 'Fermée',
};

/** Open requests hold their SIRET (unique partial index `structure_requests_open_siret`). */
export const OPEN_STATES: readonly StructureRequestState[] = [
  StructureRequestState.Draft,
  StructureRequestState.Submitted,
  StructureRequestState.ChangesRequested,
];

export enum StructureRequestAction {
  SaveDraft = 'save_draft',
  Submit = 'submit',
  RequestChanges = 'request_changes',
  Amend = 'amend',
  Accept = 'accept',
  Refuse = 'refuse',
  Close = 'close',
}

/** Who moves a request: the applicant (through the link), an operator, or Relais itself (the daily job). */
export type RequestParty = 'applicant' | 'operator' | 'system';

interface Transition {
  from: readonly StructureRequestState[];
  to: StructureRequestState;
  by: readonly RequestParty[];
  /** The journal entry of the step. */
  audit: AuditAction;
  /** In the refusal message: "elle ne peut plus être …". */
  verb: string;
}

const { Draft, Submitted, ChangesRequested, Accepted, Refused, Closed } = StructureRequestState;

/**
 * The one table of the workflow: every change of a request goes through `transition()`.
 *
 *   (new) ──save──▶ draft ──submit──▶ submitted ──accept──▶ accepted
 *                    │  ▲save            │  ▲                └▶ refused (also from changes_requested)
 *                    │                   ▼  │amend
 *                    │            changes_requested
 *                    └──── close (applicant or operator, from any open state; Relais, from a draft or
 *                          changes_requested left ABANDONED_AFTER_MS) ──▶ closed
 */
export const TRANSITIONS: Readonly<Record<StructureRequestAction, Transition>> = {
  [StructureRequestAction.SaveDraft]: {
    from: [Draft],
    to: Draft,
    by: ['applicant'],
    audit: AuditAction.StructureRequestDrafted,
    verb: 'enregistrée en brouillon',
  },
  [StructureRequestAction.Submit]: {
    from: [Draft],
    to: Submitted,
    by: ['applicant'],
    audit: AuditAction.StructureRequestSubmitted,
    verb: 'envoyée',
  },
  [StructureRequestAction.RequestChanges]: {
    from: [Submitted],
    to: ChangesRequested,
    by: ['operator'],
    audit: AuditAction.StructureRequestChangesRequested,
    verb: 'renvoyée pour modification',
  },
  [StructureRequestAction.Amend]: {
    from: [ChangesRequested],
    to: Submitted,
    by: ['applicant'],
    audit: AuditAction.StructureRequestAmended,
    verb: 'modifiée',
  },
  [StructureRequestAction.Accept]: {
    from: [Submitted],
    to: Accepted,
    by: ['operator'],
    audit: AuditAction.StructureRequestAccepted,
    verb: 'acceptée',
  },
  [StructureRequestAction.Refuse]: {
    from: [Submitted, ChangesRequested],
    to: Refused,
    by: ['operator'],
    audit: AuditAction.StructureRequestRefused,
    verb: 'refusée',
  },
  [StructureRequestAction.Close]: {
    from: [Draft, Submitted, ChangesRequested],
    to: Closed,
    // Relais closes a request left waiting on its applicant (StructureRequestsService.closeAbandoned).
    by: ['applicant', 'operator', 'system'],
    audit: AuditAction.StructureRequestClosed,
    verb: 'fermée',
  },
};

/** The email the applicant gets when the request reaches a state. */
export const STATE_EMAILS: Readonly<Record<StructureRequestState, NotificationKind>> = {
  [Draft]: NotificationKind.StructureRequestDraftSaved,
  [Submitted]: NotificationKind.StructureRequestSubmitted,
  [ChangesRequested]: NotificationKind.StructureRequestChangesRequested,
  [Accepted]: NotificationKind.StructureRequestAccepted,
  [Refused]: NotificationKind.StructureRequestRefused,
  [Closed]: NotificationKind.StructureRequestClosed,
};

/** The state after `action`, or a 409 naming the state when the table does not allow it. */
export function transition(
  state: StructureRequestState,
  action: StructureRequestAction,
  by: RequestParty,
): StructureRequestState {
  const step = TRANSITIONS[action];
  if (!step.from.includes(state) || !step.by.includes(by)) {
    throw new DomainException(ErrorCode.StructureRequestTransitionRefused, {
      details: { state, action },
      params: { state: `« ${STRUCTURE_REQUEST_STATE_LABELS[state].toLowerCase()} »`, action: step.verb },
    });
  }
  return step.to;
}

/** The applicant may still change the request (its form is offered). */
export const isEditable = (state: StructureRequestState) => state === Draft || state === ChangesRequested;

/** Whether the request can still move at all (used by the pages to offer the actions). */
export const isOpen = (state: StructureRequestState) => OPEN_STATES.includes(state);
