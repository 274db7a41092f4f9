import { AuditJournal1764000000000 } from './1764000000000-audit-journal.js';
import { Delegation1764800000000 } from './1764800000000-delegation.js';
import { Operators1764900000000 } from './1764900000000-operators.js';
import { Mandates1764600000000 } from './1764600000000-mandates.js';
import { PublicServices1764700000000 } from './1764700000000-public-services.js';
import { SigningKeys1764500000000 } from './1764500000000-signing-keys.js';
import { Structures1764100000000 } from './1764100000000-structures.js';
import { Aides1764200000000 } from './1764200000000-aides.js';
import { Notifications1764300000000 } from './1764300000000-notifications.js';
import { NotificationDelivery1764400000000 } from './1764400000000-notification-delivery.js';
import { MandateExpiry1765200000000 } from './1765200000000-mandate-expiry.js';

/** Every migration, in order. Listed explicitly so the same list works from dist/ and in tests. */
export const migrations = [
  AuditJournal1764000000000,
  Structures1764100000000,
  Aides1764200000000,
  Notifications1764300000000,
  NotificationDelivery1764400000000,
  SigningKeys1764500000000,
  Mandates1764600000000,
  PublicServices1764700000000,
  Delegation1764800000000,
  Operators1764900000000,
  MandateExpiry1765200000000,
];
