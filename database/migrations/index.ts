import { AuditJournal1764000000000 } from './1764000000000-audit-journal.js';
import { Delegation1764800000000 } from './1764800000000-delegation.js';
import { Operators1764900000000 } from './1764900000000-operators.js';
import { ConsentFacts1765000000000 } from './1765000000000-consent-facts.js';
import { Mandates1764600000000 } from './1764600000000-mandates.js';
import { AuditCheckpoints1765100000000 } from './1765100000000-audit-checkpoints.js';
import { PublicServices1764700000000 } from './1764700000000-public-services.js';
import { SigningKeys1764500000000 } from './1764500000000-signing-keys.js';
import { Structures1764100000000 } from './1764100000000-structures.js';
import { Aides1764200000000 } from './1764200000000-aides.js';
import { Notifications1764300000000 } from './1764300000000-notifications.js';
import { NotificationDelivery1764400000000 } from './1764400000000-notification-delivery.js';
import { StructureDepartment1765400000000 } from './1765400000000-structure-department.js';
import { MediationPlaces1765410000000 } from './1765410000000-mediation-places.js';
import { MandateExpiry1765200000000 } from './1765200000000-mandate-expiry.js';
import { CitizenNotifications1765600000000 } from './1765600000000-citizen-notifications.js';
import { PublicServiceAct1765900000000 } from './1765900000000-public-service-act.js';
import { ConsentTranslations1766100000000 } from './1766100000000-consent-translations.js';
import { Onboarding1766000000000 } from './1766000000000-onboarding.js';
import { MandateExpiryCursor1765700000000 } from './1765700000000-mandate-expiry-cursor.js';
import { ReportExports1765800000000 } from './1765800000000-report-exports.js';
import { OidcSecrets1766900000000 } from './1766900000000-oidc-secrets.js';
import { OidcKeyRotation1766910000000 } from './1766910000000-oidc-key-rotation.js';
import { StructureRequestRetention1766920000000 } from './1766920000000-structure-request-retention.js';

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
  ConsentFacts1765000000000,
  AuditCheckpoints1765100000000,
  MandateExpiry1765200000000,
  StructureDepartment1765400000000,
  MediationPlaces1765410000000,
  CitizenNotifications1765600000000,
  PublicServiceAct1765900000000,
  ConsentTranslations1766100000000,
  Onboarding1766000000000,
  MandateExpiryCursor1765700000000,
  ReportExports1765800000000,
  OidcSecrets1766900000000,
  OidcKeyRotation1766910000000,
  StructureRequestRetention1766920000000,
];
