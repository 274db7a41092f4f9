import { AuditAction } from '@relais/audit';

import { AUDIT_ACTION_LABELS, auditActionLabel } from './audit-action-labels.js';

describe('audit action labels', () => {
  it('gives every journaled action a French label that is not its code', () => {
    for (const action of Object.values(AuditAction)) {
      expect(AUDIT_ACTION_LABELS[action]).toMatch(/^[A-ZÉ][^.]+$/u);
      expect(AUDIT_ACTION_LABELS[action]).not.toContain(action);
    }
  });

  it('gives no two actions the same label, so a report never confuses them', () => {
    const labels = Object.values(AUDIT_ACTION_LABELS);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('shows a code it does not know as is rather than failing', () => {
    expect(auditActionLabel(AuditAction.MandateConsented)).toBe('Mandat accepté par l’usager');
    expect(auditActionLabel('future.action')).toBe('future.action');
  });
});
