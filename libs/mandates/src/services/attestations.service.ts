import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { Aide } from '@relais/aides';
import {
  readEmbeddedSeal,
  renderMandateAttestation,
  renderRevocationAttestation,
  type AttestationParties,
} from '@relais/attestations';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { Signer } from '@relais/signing';
import { PROCEDURE_AREA_LABELS, Structure, type ProcedureArea } from '@relais/structures';
import { DataSource, type EntityManager } from 'typeorm';

import { aideDisplayName, citizenDisplayName, consentFactsDigest } from '../consent-facts.js';
import { consentLanguage } from '../consent-languages.js';
import { Attestation } from '../entities/attestation.entity.js';
import { Citizen } from '../entities/citizen.entity.js';
import { MandateProcedure } from '../entities/mandate-procedure.entity.js';
import { Mandate } from '../entities/mandate.entity.js';
import { AttestationKind } from '../enums/attestation-kind.enum.js';
import type { MandateSealPayload, RevocationSealPayload } from '../mandate-seal.js';
import { areaStates, mandateState, type AreaState, type MandateState } from '../mandate-state.js';
import { newVerificationCode, normaliseVerificationCode } from '../verification-code.js';

const areaItems = (areas: readonly string[]) =>
  areas.map((code) => ({ code, label: PROCEDURE_AREA_LABELS[code as ProcedureArea] }));

/** A version 2 seal covers the consent facts kept with the mandate; a version 1 seal predates them. */
function factsAsSealed(payload: Record<string, unknown>, mandate: Mandate): boolean {
  const sealed = (payload as unknown as MandateSealPayload).consent?.factsDigest;
  if (sealed === undefined) return true;
  return mandate.consentFacts !== null && consentFactsDigest(mandate.consentFacts) === sealed;
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Why a code or a file is not accepted as a Relais attestation. */
/** The file of an attestation loaded with its pdf column; 410 once retention removed it. */
export function storedPdf(attestation: Attestation): Buffer {
  if (!attestation.pdf) throw new DomainException(ErrorCode.AttestationRemoved);
  return attestation.pdf;
}

export type AttestationRefusal = 'unknown_code' | 'not_an_attestation' | 'altered_file' | 'invalid_seal';

/** What checking an attestation tells: genuine or not and, if genuine, where its mandate stands now. */
export type AttestationCheck =
  | { genuine: false; reason: AttestationRefusal }
  | {
      genuine: true;
      kind: AttestationKind;
      code: string;
      issuedAt: Date;
      structureName: string;
      /** "Élodie D.": enough to match the paper, not a directory. */
      citizenName: string;
      startsAt: Date;
      expiresAt: Date;
      state: MandateState;
      areas: AreaState[];
    };

/**
 * Produces the attestation PDFs (at consent and at revocation) inside the caller's transaction,
 * keeps their bytes, and checks codes and files given back to us.
 */
@Injectable()
export class AttestationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: Signer,
    private readonly audit: AuditRecorder,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /**
   * The mandate attestation, for a mandate just consented and sealed in `manager`'s transaction:
   * printed from the consent facts kept with it, so it says exactly what the consent page said.
   */
  async issueForMandate(manager: EntityManager, mandate: Mandate): Promise<Attestation> {
    const facts = mandate.consentFacts!;
    const code = newVerificationCode();
    const pdf = await renderMandateAttestation({
      mandateId: mandate.id,
      structure: facts.structure,
      aide: facts.aide,
      citizen: facts.citizen,
      areas: facts.areas,
      durationLabel: facts.duration.label,
      startsAt: new Date(facts.startsAt),
      expiresAt: new Date(facts.expiresAt),
      consentedAt: mandate.decidedAt!,
      consentText: facts.text,
      translation: facts.translation && {
        lang: facts.translation.lang,
        languageName: consentLanguage(facts.translation.lang)?.frenchName ?? facts.translation.lang,
        dir: facts.translation.dir,
        revision: facts.translation.revision,
        reviewed: facts.translation.reviewed,
        notice: facts.translation.notice,
        paragraphs: facts.translation.paragraphs,
      },
      verification: { code, url: this.verificationUrl(code), seal: mandate.seal! },
    });
    return this.store(manager, mandate, AttestationKind.Mandate, code, mandate.seal!, pdf);
  }

  /** The revocation attestation: signs the revocation statement and renders its PDF. */
  async issueForRevocation(
    manager: EntityManager,
    mandate: Mandate,
    statement: RevocationSealPayload,
  ): Promise<Attestation> {
    // The citizen stopping it in the portal names no aide (the mandate's own aide took no part).
    const { aide, ...parties } = await this.parties(manager, mandate, statement.aide?.id);
    const seal = await this.signer.sign(statement);
    const mandateAttestation = await manager.findOneByOrFail(Attestation, {
      mandateId: mandate.id,
      kind: AttestationKind.Mandate,
    });
    const code = newVerificationCode();
    const pdf = await renderRevocationAttestation({
      ...parties,
      ...(statement.aide ? { aide } : {}),
      mandateId: mandate.id,
      revokedAreas: areaItems(statement.revokedAreas),
      remainingAreas: areaItems(statement.remainingAreas),
      revokedAt: new Date(statement.revokedAt),
      mandateCode: mandateAttestation.code,
      verification: { code, url: this.verificationUrl(code), seal },
    });
    return this.store(manager, mandate, AttestationKind.Revocation, code, seal, pdf);
  }

  /**
   * The stored PDF of an attestation, or null when there is none; with a structure, only for that
   * structure's mandates. A PDF the retention job removed is a 410 (storedPdf).
   */
  async pdf(attestationId: string, structureId?: string): Promise<{ attestation: Attestation; pdf: Buffer } | null> {
    const query = this.dataSource
      .getRepository(Attestation)
      .createQueryBuilder('a')
      .addSelect('a.pdf')
      .innerJoin(Mandate, 'm', 'm.id = a.mandate_id')
      .where('a.id = :attestationId', { attestationId });
    if (structureId) query.andWhere('m.structure_id = :structureId', { structureId });
    const row = await query.getOne();
    return row ? { attestation: row, pdf: storedPdf(row) } : null;
  }

  /** Journals that an aide (or the citizen, without aideId) downloaded an attestation. */
  recordDownload(attestation: Attestation, by: { aideId?: string; structureId?: string; citizenId?: string }) {
    return this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: AuditAction.AttestationDownloaded,
        actor: by.aideId
          ? { type: AuditActorType.Aide, id: by.aideId }
          : { type: AuditActorType.Citizen, id: by.citizenId ?? null },
        structureId: by.structureId ?? null,
        citizenId: by.citizenId ?? null,
        mandateId: attestation.mandateId,
        details: { attestationId: attestation.id, kind: attestation.kind },
      }),
    );
  }

  /** Checks a verification code (as printed, or as typed by a person). */
  async checkCode(input: string, now = new Date()): Promise<AttestationCheck> {
    const code = normaliseVerificationCode(input);
    const attestation = code && (await this.dataSource.getRepository(Attestation).findOneBy({ code }));
    if (!attestation) return { genuine: false, reason: 'unknown_code' };
    return this.check(attestation, now);
  }

  /**
   * Checks a file: it must be, byte for byte, a PDF we gave out. A file whose embedded seal is
   * ours but whose bytes differ was altered after it left Relais.
   */
  async checkFile(bytes: Uint8Array, now = new Date()): Promise<AttestationCheck> {
    const attestation = await this.dataSource.getRepository(Attestation).findOneBy({ sha256: sha256Hex(bytes) });
    if (attestation) return this.check(attestation, now);
    return { genuine: false, reason: readEmbeddedSeal(bytes) ? 'altered_file' : 'not_an_attestation' };
  }

  private async check(attestation: Attestation, now: Date): Promise<AttestationCheck> {
    const verified = await this.signer.verify(attestation.seal);
    if (!verified.valid || verified.payload.mandateId !== attestation.mandateId) {
      return { genuine: false, reason: 'invalid_seal' };
    }
    const manager = this.dataSource.manager;
    const mandate = await manager.findOneByOrFail(Mandate, { id: attestation.mandateId });
    if (attestation.kind === AttestationKind.Mandate && !factsAsSealed(verified.payload, mandate)) {
      return { genuine: false, reason: 'invalid_seal' };
    }
    const [structure, citizen, procedures] = await Promise.all([
      manager.findOneByOrFail(Structure, { id: mandate.structureId }),
      manager.findOneByOrFail(Citizen, { id: mandate.citizenId! }),
      manager.findBy(MandateProcedure, { mandateId: mandate.id }),
    ]);
    const areas = areaStates(mandate, procedures, structure.active, now);
    return {
      genuine: true,
      kind: attestation.kind,
      code: attestation.code,
      issuedAt: attestation.createdAt,
      structureName: structure.name,
      citizenName: `${citizen.givenName} ${citizen.familyName.charAt(0)}.`,
      startsAt: mandate.startsAt!,
      expiresAt: mandate.expiresAt!,
      state: mandateState(mandate, areas, now),
      areas,
    };
  }

  private verificationUrl(code: string): string {
    return `${this.config.ISSUER}/verify/${code}`;
  }

  private async parties(
    manager: EntityManager,
    mandate: Mandate,
    aideId = mandate.aideId,
  ): Promise<AttestationParties> {
    const [structure, aide, citizen] = await Promise.all([
      manager.findOneByOrFail(Structure, { id: mandate.structureId }),
      manager.findOneByOrFail(Aide, { id: aideId }),
      manager.findOneByOrFail(Citizen, { id: mandate.citizenId! }),
    ]);
    return {
      structure: { name: structure.name, siret: structure.siret, address: structure.address },
      aide: { name: aideDisplayName(aide) },
      citizen: { name: citizenDisplayName(citizen), birthdate: citizen.birthdate },
    };
  }

  private async store(
    manager: EntityManager,
    mandate: Mandate,
    kind: AttestationKind,
    code: string,
    seal: string,
    pdf: Buffer,
  ): Promise<Attestation> {
    const attestation = await manager.save(
      manager.create(Attestation, { mandateId: mandate.id, kind, code, seal, sha256: sha256Hex(pdf), pdf }),
    );
    await this.audit.record(manager, {
      action: AuditAction.AttestationIssued,
      actor: { type: AuditActorType.System },
      structureId: mandate.structureId,
      citizenId: mandate.citizenId,
      mandateId: mandate.id,
      details: { attestationId: attestation.id, kind },
    });
    return attestation;
  }
}
