import 'reflect-metadata';

import { Aide, Invitation, Membership, Notification } from '@relais/aides';
import { AuditJournalEntry, AuditOutboxEntry } from '@relais/audit';
import { AuditCheckpoint } from '@relais/audit-checkpoints';
import { connectionOptions } from '@relais/database';
import { Delegation, OidcSigningKey } from '@relais/delegation';
import { Attestation, Citizen, ConsentTranslation, Mandate, MandateProcedure } from '@relais/mandates';
import { AideImport, StructureRequest, StructureRequestLink } from '@relais/onboarding';
import { MediationPlace } from '@relais/places';
import { PublicService } from '@relais/public-services';
import { SigningKey } from '@relais/signing';
import { Structure } from '@relais/structures';
import { DataSource } from 'typeorm';

import { migrations } from './migrations/index.js';

/** Every entity of every domain library; the Nest apps load theirs through forFeature instead. */
export const entities = [
  AuditOutboxEntry,
  AuditJournalEntry,
  AuditCheckpoint,
  Structure,
  Aide,
  Membership,
  Invitation,
  Notification,
  SigningKey,
  Citizen,
  Mandate,
  MandateProcedure,
  Attestation,
  PublicService,
  OidcSigningKey,
  Delegation,
  MediationPlace,
  ConsentTranslation,
  StructureRequest,
  StructureRequestLink,
  AideImport,
];

export function createDataSource(url: string): DataSource {
  return new DataSource({ ...connectionOptions(url, 2), entities, migrations, migrationsTransactionMode: 'each' });
}
