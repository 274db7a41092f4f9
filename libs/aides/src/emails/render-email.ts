import { NotificationKind } from '../enums/notification-kind.enum.js';
import {
  citizenMandateCreatedEmail,
  citizenMandateEndsSoonEmail,
  citizenMandateUsedEmail,
} from './citizen-mandate.email.js';
import { aideInvitedEmail } from './aide-invited.email.js';
import { deactivatedForDormancyEmail } from './deactivated-for-dormancy.email.js';
import { dormancyWarningEmail } from './dormancy-warning.email.js';
import type { EmailContent, EmailContext } from './email-content.js';
import {
  citizenMandateExpiredEmail,
  citizenMandateRevokedEmail,
  mandateExpiredEmail,
  mandateRevokedEmail,
} from './mandate-ended.email.js';
import {
  structureRequestAcceptedEmail,
  structureRequestChangesRequestedEmail,
  structureRequestClosedEmail,
  structureRequestDraftSavedEmail,
  structureRequestRefusedEmail,
  structureRequestSubmittedEmail,
} from './structure-request.email.js';

/** Subject and body of an outbox row. The switch is exhaustive: a new kind needs its email. */
export function renderEmail(
  kind: NotificationKind,
  payload: Record<string, unknown>,
  context: EmailContext,
): EmailContent {
  switch (kind) {
    case NotificationKind.DormancyWarning:
      return dormancyWarningEmail(payload, context);
    case NotificationKind.DeactivatedForDormancy:
      return deactivatedForDormancyEmail();
    case NotificationKind.MandateExpired:
      return mandateExpiredEmail(payload, context);
    case NotificationKind.CitizenMandateExpired:
      return citizenMandateExpiredEmail(payload);
    case NotificationKind.MandateRevoked:
      return mandateRevokedEmail(payload, context);
    case NotificationKind.CitizenMandateRevoked:
      return citizenMandateRevokedEmail(payload, context);
    case NotificationKind.CitizenMandateCreated:
      return citizenMandateCreatedEmail(payload, context);
    case NotificationKind.CitizenMandateUsed:
      return citizenMandateUsedEmail(payload, context);
    case NotificationKind.CitizenMandateEndsSoon:
      return citizenMandateEndsSoonEmail(payload, context);
    case NotificationKind.AideInvited:
      return aideInvitedEmail(payload, context);
    case NotificationKind.StructureRequestDraftSaved:
      return structureRequestDraftSavedEmail(payload, context);
    case NotificationKind.StructureRequestSubmitted:
      return structureRequestSubmittedEmail(payload, context);
    case NotificationKind.StructureRequestChangesRequested:
      return structureRequestChangesRequestedEmail(payload, context);
    case NotificationKind.StructureRequestAccepted:
      return structureRequestAcceptedEmail(payload, context);
    case NotificationKind.StructureRequestRefused:
      return structureRequestRefusedEmail(payload, context);
    case NotificationKind.StructureRequestClosed:
      return structureRequestClosedEmail(payload, context);
    default: {
      const unknown: never = kind;
      throw new Error(`No email for notification kind "${String(unknown)}"`);
    }
  }
}
