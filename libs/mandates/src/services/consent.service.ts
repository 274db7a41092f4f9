import { Injectable } from '@nestjs/common';
import { Aide, aideMayAct, assertMayAct, Notification, NotificationKind } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import type { FranceConnectIdentity } from '@relais/france-connect';
import { Signer } from '@relais/signing';
import { PROCEDURE_AREA_LABELS, Structure } from '@relais/structures';
import { DataSource, type EntityManager } from 'typeorm';

import { consentFacts, consentFactsDigest, type ConsentFacts } from '../consent-facts.js';
import type { ConsentLanguage } from '../consent-languages.js';
import { consentTextDigest, consentTextVersionAt, type ConsentText } from '../consent-text.js';
import { shownTranslationDigest } from '../consent-translation.js';
import type { Attestation } from '../entities/attestation.entity.js';
import { Citizen } from '../entities/citizen.entity.js';
import { MandateProcedure } from '../entities/mandate-procedure.entity.js';
import { Mandate } from '../entities/mandate.entity.js';
import { ConsentChannel } from '../enums/consent-channel.enum.js';
import { MandateStatus } from '../enums/mandate-status.enum.js';
import type { ConsentEvidence } from '../interfaces/consent-evidence.interface.js';
import { citizenIdentityDigest, type MandateSealPayload } from '../mandate-seal.js';
import { AreaReplacement } from './area-replacement.service.js';
import { AttestationsService } from './attestations.service.js';
import { ConsentTranslations } from './consent-translations.service.js';
import { ExpiryScheduler } from './expiry-scheduler.service.js';

/** What the consent page shows the citizen (and the aide beside them). */
export interface ConsentPage {
  mandate: Mandate;
  citizen: Citizen;
  /** What the page shows (its paragraphs are the consent text), as the attestation will print it. */
  facts: ConsentFacts;
  /** The text to agree to (`facts.text`) and its digest, which the form posts back. */
  text: ConsentText;
  textDigest: string;
  /** Areas already covered by another mandate of this structure, which this one will replace. */
  replacedAreas: string[];
  /** The languages this text version is translated into, which the citizen may choose. */
  languages: ConsentLanguage[];
  /** The digest of the translation shown (`facts.translation`), which the form posts back; null in French only. */
  translationDigest: string | null;
}

/** The FranceConnect facts kept as evidence of who consented (no token, no personal data). */
export type IdentificationEvidence = Pick<FranceConnectIdentity, 'acr' | 'authTime' | 'idTokenDigest'>;

export interface ConsentDecision {
  mandateId: string;
  citizenId: string;
  /** The consent text the citizen read: its version and digest, as the page posted them. */
  textVersion: string;
  textDigest: string;
  /** The translation shown beside the French text, as the page posted it: its language and digest. */
  translation?: { lang: string; digest: string } | null;
  identification: IdentificationEvidence;
}

/** The citizen's decision on a pending mandate: consent (sealed, attested) or refusal. */
@Injectable()
export class ConsentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly signer: Signer,
    private readonly attestations: AttestationsService,
    private readonly expiry: ExpiryScheduler,
    private readonly replacement: AreaReplacement,
    private readonly translations: ConsentTranslations,
  ) {}

  /**
   * The consent page for an identified citizen, with the current text as of `now`, and its
   * translation into `lang` beside it when asked: 404 `consent_translation_unknown` when that
   * text version has none in that language.
   */
  async page(mandateId: string, citizenId: string, now = new Date(), lang?: string | null): Promise<ConsentPage> {
    const manager = this.dataSource.manager;
    const mandate = await this.pendingFor(manager, mandateId, citizenId);
    const citizen = await manager.findOneByOrFail(Citizen, { id: citizenId });
    const facts = await this.facts(manager, mandate, citizen, now, lang);
    const replaced = await this.replacement.coveredElsewhere(manager, mandate, citizenId, now);
    return {
      mandate,
      citizen,
      facts,
      text: facts.text,
      textDigest: consentTextDigest(facts.text),
      replacedAreas: replaced.map((procedure) => PROCEDURE_AREA_LABELS[procedure.area]),
      languages: await this.translations.languagesFor(manager, facts.text.version),
      translationDigest: facts.translation ? shownTranslationDigest(facts.translation) : null,
    };
  }

  /**
   * The citizen agrees. In one transaction: the citizen is locked (concurrent consents for the
   * same person run one after the other), areas another mandate of the structure covers are
   * revoked as replaced, the mandate is dated, sealed and attested. If the text to agree to is
   * no longer the one read (new version, or the end date moved past midnight), nothing is written
   * and the caller shows the page again. The facts shown are kept with the mandate and sealed.
   */
  async consent(
    decision: ConsentDecision,
    now?: Date,
  ): Promise<{ mandate: Mandate; attestation: Attestation } | 'text_changed'> {
    const outcome = await this.consentInTransaction(decision, now);
    if (outcome !== 'text_changed') await this.expiry.scheduleExpiry(outcome.mandate);
    return outcome;
  }

  private async consentInTransaction(
    decision: ConsentDecision,
    at: Date | undefined,
  ): Promise<{ mandate: Mandate; attestation: Attestation } | 'text_changed'> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM citizens WHERE id = $1 FOR UPDATE', [decision.citizenId]);
      // The instant of consent is taken once the citizen is locked: a consent that waited for a
      // concurrent one starts after it, and so replaces it rather than finding it not yet started.
      const now = at ?? new Date();
      const mandate = await this.pendingFor(manager, decision.mandateId, decision.citizenId, true);
      assertMayAct(await aideMayAct(manager, mandate.structureId, mandate.aideId));
      const citizen = await manager.findOneByOrFail(Citizen, { id: decision.citizenId });
      const shown = decision.translation ?? null;
      const facts = await this.facts(manager, mandate, citizen, now, shown?.lang, false);
      const translationDigest = facts.translation ? shownTranslationDigest(facts.translation) : null;
      if (
        facts.text.version !== decision.textVersion ||
        consentTextDigest(facts.text) !== decision.textDigest ||
        translationDigest !== (shown?.digest ?? null)
      ) {
        return 'text_changed';
      }
      await this.replacement.replaceOlder(manager, mandate, citizen.id, now);
      await manager.insert(
        MandateProcedure,
        mandate.areas.map((area) => ({
          mandateId: mandate.id,
          structureId: mandate.structureId,
          citizenId: citizen.id,
          area,
        })),
      );
      const evidence: ConsentEvidence = {
        channel: mandate.channel,
        consentedAt: now.toISOString(),
        textVersion: facts.text.version,
        textDigest: decision.textDigest,
        factsDigest: consentFactsDigest(facts),
        translation: facts.translation
          ? {
              lang: facts.translation.lang,
              revision: facts.translation.revision,
              templateDigest: facts.translation.templateDigest,
              digest: translationDigest!,
            }
          : null,
        franceConnect: {
          acr: decision.identification.acr,
          authTime: decision.identification.authTime?.toISOString() ?? null,
          idTokenDigest: decision.identification.idTokenDigest,
        },
      };
      const payload: MandateSealPayload = {
        type: 'relais/mandate',
        version: 3,
        mandateId: mandate.id,
        structure: { id: mandate.structureId, siret: facts.structure.siret, name: facts.structure.name },
        aide: { id: mandate.aideId },
        citizen: { identityDigest: citizenIdentityDigest(citizen) },
        areas: mandate.areas,
        duration: mandate.duration,
        startsAt: facts.startsAt,
        expiresAt: facts.expiresAt,
        consent: evidence,
      };
      Object.assign(mandate, {
        status: MandateStatus.Active,
        decidedAt: now,
        startsAt: new Date(facts.startsAt),
        expiresAt: new Date(facts.expiresAt),
        consentTextVersion: facts.text.version,
        consentEvidence: evidence,
        consentFacts: facts,
        seal: await this.signer.sign(payload),
      });
      await manager.save(mandate);
      await this.audit.record(manager, {
        action: AuditAction.MandateConsented,
        actor: { type: AuditActorType.Citizen, id: citizen.id },
        structureId: mandate.structureId,
        citizenId: citizen.id,
        mandateId: mandate.id,
        details: {
          areas: mandate.areas,
          expiresAt: payload.expiresAt,
          channel: mandate.channel,
          textVersion: facts.text.version,
          translation: facts.translation
            ? { lang: facts.translation.lang, revision: facts.translation.revision }
            : null,
        },
      });
      const attestation = await this.attestations.issueForMandate(manager, mandate);
      await this.queueCreatedEmail(manager, mandate, citizen, facts, attestation);
      return { mandate, attestation };
    });
  }

  /**
   * The citizen's copy (when FranceConnect gave an address), in the consent transaction: who, for
   * what, until when, and the attestation code. The address is read at delivery, not copied.
   */
  private async queueCreatedEmail(
    manager: EntityManager,
    mandate: Mandate,
    citizen: Citizen,
    facts: ConsentFacts,
    attestation: Attestation,
  ): Promise<void> {
    if (!citizen.email) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values({
        citizenId: citizen.id,
        kind: NotificationKind.CitizenMandateCreated,
        dedupKey: `${NotificationKind.CitizenMandateCreated}:${mandate.id}`,
        payload: {
          mandateId: mandate.id,
          structureName: facts.structure.name,
          structureAddress: facts.structure.address,
          areas: facts.areas.map((area) => area.label),
          startsAt: facts.startsAt,
          expiresAt: facts.expiresAt,
          attestationCode: attestation.code,
        },
      })
      .orIgnore()
      .execute();
  }

  /** The citizen says no: the request is closed, kept for the record, never usable. */
  async refuse(mandateId: string, citizenId: string): Promise<Mandate> {
    return this.dataSource.transaction(async (manager) => {
      const mandate = await this.pendingFor(manager, mandateId, citizenId, true);
      mandate.status = MandateStatus.Refused;
      mandate.decidedAt = new Date();
      await manager.save(mandate);
      await this.audit.record(manager, {
        action: AuditAction.MandateRefused,
        actor: { type: AuditActorType.Citizen, id: citizenId },
        structureId: mandate.structureId,
        citizenId,
        mandateId: mandate.id,
        details: { channel: mandate.channel },
      });
      return mandate;
    });
  }

  /** The pending mandate this citizen identified for; a remote one only while its link is valid. */
  private async pendingFor(manager: EntityManager, mandateId: string, citizenId: string, lock = false) {
    const mandate = await manager.findOne(Mandate, {
      where: { id: mandateId },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!mandate || mandate.status !== MandateStatus.PendingConsent) {
      throw new DomainException(ErrorCode.MandateAlreadyDecided);
    }
    if (mandate.citizenId !== citizenId) throw new DomainException(ErrorCode.ConsentNotStarted);
    if (mandate.channel === ConsentChannel.Remote && mandate.remoteExpiresAt! <= new Date()) {
      throw new DomainException(ErrorCode.ConsentLinkInvalid);
    }
    return mandate;
  }

  /**
   * The facts of consenting now, on the consent text version current now, with its latest
   * translation into `lang`. No such translation: 404 for the page; at the decision, facts without
   * a translation, which then do not match what was posted (the page is shown again).
   */
  private async facts(
    manager: EntityManager,
    mandate: Mandate,
    citizen: Citizen,
    now: Date,
    lang?: string | null,
    refuseUnknownLanguage = true,
  ): Promise<ConsentFacts> {
    const version = consentTextVersionAt(now);
    const [structure, aide, translation] = await Promise.all([
      manager.findOneByOrFail(Structure, { id: mandate.structureId }),
      manager.findOneByOrFail(Aide, { id: mandate.aideId }),
      lang ? this.translations.latest(manager, version, lang) : null,
    ]);
    if (lang && !translation && refuseUnknownLanguage) throw new DomainException(ErrorCode.ConsentTranslationUnknown);
    return consentFacts({ mandate, structure, aide, citizen }, now, version, translation);
  }
}
