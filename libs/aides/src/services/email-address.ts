/**
 * The one form an email address is stored, looked up and shown in: trimmed and lower-cased (the
 * aides table checks `email = lower(email)` and its unique index is on `lower(email)`).
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
