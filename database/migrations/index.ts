import { AuditJournal1764000000000 } from './1764000000000-audit-journal.js';

/** Every migration, in order. Listed explicitly so the same list works from dist/ and in tests. */
export const migrations = [AuditJournal1764000000000];
