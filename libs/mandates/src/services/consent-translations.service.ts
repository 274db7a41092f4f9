import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { DataSource, type EntityManager } from 'typeorm';

import { CONSENT_LANGUAGES, type ConsentLanguage } from '../consent-languages.js';
import { publishedConsentTextVersions } from '../consent-text.js';
import { consentTranslationDigest, parseConsentTranslation } from '../consent-translation.js';
import { ConsentTranslation } from '../entities/consent-translation.entity.js';

/** Translations of the consent text versions: added by operators, shown beside the French text. */
@Injectable()
export class ConsentTranslations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  /**
   * Adds a revision of the translation of `version` into `lang` (checked against the French text,
   * see parseConsentTranslation), journaled in the same transaction. The same words as the latest
   * revision add nothing and return it.
   */
  async add(
    version: string,
    lang: string,
    input: unknown,
    options: { reviewed?: boolean; operatorId?: string } = {},
  ): Promise<{ translation: ConsentTranslation; added: boolean }> {
    const versions = publishedConsentTextVersions();
    if (!versions.includes(version)) {
      throw new DomainException(ErrorCode.ConsentTextVersionUnknown, { params: { versions: versions.join(', ') } });
    }
    const template = parseConsentTranslation(version, lang, input);
    const digest = consentTranslationDigest(template);
    const reviewed = options.reviewed ?? false;
    return this.dataSource.transaction(async (manager) => {
      // One writer per version and language at a time: revisions are numbered without gaps.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`consent-translation:${version}:${lang}`]);
      const latest = await this.latest(manager, version, lang);
      if (latest && latest.digest === digest && latest.reviewed === reviewed) {
        return { translation: latest, added: false };
      }
      const translation = await manager.save(
        manager.create(ConsentTranslation, {
          textVersion: version,
          lang,
          revision: (latest?.revision ?? 0) + 1,
          template,
          digest,
          reviewed,
        }),
      );
      await this.audit.record(manager, {
        action: AuditAction.ConsentTranslationAdded,
        actor: { type: AuditActorType.Operator, id: options.operatorId ?? null },
        details: { textVersion: version, lang, revision: translation.revision, digest, reviewed },
      });
      return { translation, added: true };
    });
  }

  /** The translation shown now for a version and a language (its latest revision), or null. */
  latest(manager: EntityManager, version: string, lang: string): Promise<ConsentTranslation | null> {
    return manager.findOne(ConsentTranslation, {
      where: { textVersion: version, lang },
      order: { revision: 'DESC' },
    });
  }

  /** The languages a citizen may choose for `version`, in the catalogue's order. */
  async languagesFor(manager: EntityManager, version: string): Promise<ConsentLanguage[]> {
    const rows: { lang: string }[] = await manager.query(
      'SELECT DISTINCT lang FROM consent_translations WHERE text_version = $1',
      [version],
    );
    const present = new Set(rows.map((row) => row.lang));
    return CONSENT_LANGUAGES.filter((language) => present.has(language.code));
  }

  /** Every stored revision, for the operator: version, language, revision, reviewed, digest, date. */
  list(): Promise<ConsentTranslation[]> {
    return this.dataSource.manager.find(ConsentTranslation, {
      order: { textVersion: 'ASC', lang: 'ASC', revision: 'ASC' },
    });
  }
}
