import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, type AuditEvent, AuditRecorder } from '@relais/audit';
import { InvitationsService, MembershipRole, normalizeEmail, type NotificationKind, SecretBox } from '@relais/aides';
import { DomainException, ErrorCode, type FieldProblem, ValidationFailedException } from '@relais/exceptions';
import {
  isProcedureArea,
  isStructureType,
  isValidSiret,
  normalizeSiret,
  PROCEDURE_AREAS,
  type ProcedureArea,
  Structure,
  StructuresService,
} from '@relais/structures';
import { hashLinkToken, newLinkToken } from '@relais/tokens';
import { isEmail } from 'class-validator';
import { DataSource, type EntityManager, IsNull, QueryFailedError } from 'typeorm';

import { parseTrained, rowProblems } from '../aide-rows.js';
import { type PlannedAide, StructureRequest } from '../entities/structure-request.entity.js';
import { StructureRequestLink } from '../entities/structure-request-link.entity.js';
import {
  type RequestParty,
  STATE_EMAILS,
  StructureRequestAction,
  StructureRequestState,
  transition,
  TRANSITIONS,
} from '../structure-request-workflow.js';

/** Requests per page of the operator's list. */
export const REQUESTS_PAGE_SIZE = 50;

const DAY_MS = 24 * 3600 * 1000;
/** How long the link of an email stays valid (unless used or replaced before). */
export const REQUEST_LINK_TTL_MS = 30 * DAY_MS;
/**
 * A request waiting on its applicant (a draft, or changes asked) untouched this long is closed by
 * the daily job: the link of its last email no longer works, and its SIRET is free again.
 */
export const ABANDONED_AFTER_MS = REQUEST_LINK_TTL_MS;
/** Requests closed per transaction by closeAbandoned. */
const ABANDONED_BATCH = 200;

const OPEN_SIRET_INDEX = 'structure_requests_open_siret';
const UNIQUE_VIOLATION = '23505';

/** The form, as typed (strings from `/rejoindre`). `plannedAides`: one aide a line, "prénom ; nom ; adresse ; oui/non". */
export interface StructureRequestInput {
  siret?: string;
  name?: string;
  address?: string;
  type?: string;
  areas?: readonly string[];
  supervisorGivenName?: string;
  supervisorFamilyName?: string;
  supervisorEmail?: string;
  plannedAides?: string;
}

/** The operator acting, by aide id. */
export interface OperatorActor {
  id: string;
}

export interface RequestFilter {
  state?: StructureRequestState;
  department?: string;
}

type RequestFields = Pick<
  StructureRequest,
  | 'siret'
  | 'name'
  | 'address'
  | 'type'
  | 'areas'
  | 'supervisorGivenName'
  | 'supervisorFamilyName'
  | 'supervisorEmail'
  | 'plannedAides'
>;

/**
 * Structures asking to join: the applicant's steps (through the single-use link of the last
 * email) and the operator's. Every step is one transaction: the state change from the workflow
 * table, its journal entry, and the applicant's email with a new link.
 */
@Injectable()
export class StructureRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly secrets: SecretBox,
    private readonly structures: StructuresService,
    private readonly invitations: InvitationsService,
  ) {}

  /** A new request, saved as a draft or sent at once. A SIRET already registered or requested is refused. */
  async create(input: StructureRequestInput, { submit }: { submit: boolean }): Promise<StructureRequest> {
    const fields = validRequest(input, { complete: submit });
    const state = submit ? StructureRequestState.Submitted : StructureRequestState.Draft;
    return this.write(fields.siret, async (manager) => {
      await this.assertNotRegistered(manager, fields.siret);
      const request = await manager.save(manager.create(StructureRequest, { ...fields, state }));
      const action = submit ? StructureRequestAction.Submit : StructureRequestAction.SaveDraft;
      await this.journal(manager, request, action, applicant(request), null);
      await this.sendLink(manager, request);
      return request;
    });
  }

  /** The request a link shows; the link is not used up by looking. */
  async view(token: string): Promise<StructureRequest> {
    const link = await this.validLink(this.dataSource.manager, token);
    return this.dataSource.manager.findOneByOrFail(StructureRequest, { id: link.requestId });
  }

  /**
   * The applicant changes the request through the link (which is then used up): a draft is saved
   * again or sent; a request to modify is sent again. A new email brings the next link.
   */
  async amend(token: string, input: StructureRequestInput, { submit }: { submit: boolean }): Promise<StructureRequest> {
    const fields = validRequest(input, { complete: submit });
    return this.write(fields.siret, async (manager) => {
      const { request } = await this.useLink(manager, token);
      const action =
        request.state === StructureRequestState.ChangesRequested
          ? StructureRequestAction.Amend
          : submit
            ? StructureRequestAction.Submit
            : StructureRequestAction.SaveDraft;
      const to = transition(request.state, action, 'applicant');
      // Sent again after changes: the whole form must be complete.
      if (to === StructureRequestState.Submitted && !submit) validRequest(input, { complete: true });
      if (fields.siret !== request.siret) await this.assertNotRegistered(manager, fields.siret);
      const from = request.state;
      Object.assign(request, fields, { state: to, updatedAt: new Date() });
      await manager.save(request);
      await this.journal(manager, request, action, applicant(request), from);
      await this.sendLink(manager, request);
      return request;
    });
  }

  /** The applicant withdraws the request through the link. */
  async withdraw(token: string): Promise<StructureRequest> {
    return this.dataSource.transaction(async (manager) => {
      const { request } = await this.useLink(manager, token);
      return this.move(manager, request, StructureRequestAction.Close, 'applicant', applicant(request), null);
    });
  }

  /**
   * A new link for whoever lost theirs: sent only if an open request has this SIRET and this
   * supervisor address; the answer is the same either way (nothing tells who applied).
   */
  async resendLink(siret: string, email: string): Promise<void> {
    const normalized = normalizeSiret(siret ?? '');
    if (!isValidSiret(normalized)) throw siretProblem(normalized);
    await this.dataSource.transaction(async (manager) => {
      const request = await manager
        .getRepository(StructureRequest)
        .createQueryBuilder('r')
        .where('r.siret = :siret AND lower(r.supervisor_email) = :email', {
          siret: normalized,
          email: normalizeEmail(email ?? ''),
        })
        .andWhere('r.state IN (:...open)', {
          open: [StructureRequestState.Draft, StructureRequestState.Submitted, StructureRequestState.ChangesRequested],
        })
        .setLock('pessimistic_write')
        .getOne();
      if (!request) return;
      await this.sendLink(manager, request);
      await this.audit.record(manager, {
        action: AuditAction.StructureRequestLinkSent,
        actor: applicant(request),
        details: { requestId: request.id, siret: request.siret, state: request.state },
      });
    });
  }

  /** The operator's list: one page, newest first, by state and département when given, and how many in all. */
  async list(filter: RequestFilter = {}, page = 1): Promise<{ requests: StructureRequest[]; total: number }> {
    const query = this.dataSource.getRepository(StructureRequest).createQueryBuilder('r');
    if (filter.state) query.andWhere('r.state = :state', { state: filter.state });
    if (filter.department) query.andWhere('r.department = :department', { department: filter.department });
    const [requests, total] = await query
      .orderBy('r.updated_at', 'DESC')
      .addOrderBy('r.id')
      .take(REQUESTS_PAGE_SIZE)
      .skip((page - 1) * REQUESTS_PAGE_SIZE)
      .getManyAndCount();
    return { requests, total };
  }

  async get(id: string): Promise<StructureRequest> {
    const request = isUuid(id) ? await this.dataSource.manager.findOneBy(StructureRequest, { id }) : null;
    if (!request) throw new DomainException(ErrorCode.StructureRequestNotFound);
    return request;
  }

  requestChanges(id: string, message: string, operator: OperatorActor): Promise<StructureRequest> {
    return this.operatorStep(id, StructureRequestAction.RequestChanges, operator, requiredMessage(message));
  }

  refuse(id: string, message: string, operator: OperatorActor): Promise<StructureRequest> {
    return this.operatorStep(id, StructureRequestAction.Refuse, operator, requiredMessage(message));
  }

  close(id: string, operator: OperatorActor): Promise<StructureRequest> {
    return this.operatorStep(id, StructureRequestAction.Close, operator, null);
  }

  /**
   * Accepting creates the structure (StructuresService rules and journal entry) and invites the
   * supervisor (an `aide_invited` email with the set-up link), in the transaction of the step.
   */
  async accept(id: string, operator: OperatorActor): Promise<{ request: StructureRequest; structure: Structure }> {
    const actor = { type: AuditActorType.Operator, id: operator.id };
    return this.dataSource.transaction(async (manager) => {
      const request = await this.locked(manager, id);
      transition(request.state, StructureRequestAction.Accept, 'operator');
      const structure = await this.structures.createIn(
        manager,
        {
          siret: request.siret,
          name: request.name,
          address: request.address,
          type: request.type,
          areas: request.areas,
        },
        actor,
      );
      await this.invitations.inviteIn(
        manager,
        {
          structureId: structure.id,
          email: request.supervisorEmail,
          role: MembershipRole.Supervisor,
          givenName: request.supervisorGivenName,
          familyName: request.supervisorFamilyName,
        },
        actor,
        { notify: { structureName: structure.name } },
      );
      request.structureId = structure.id;
      await this.move(manager, request, StructureRequestAction.Accept, 'operator', actor, null);
      return { request, structure };
    });
  }

  private async operatorStep(
    id: string,
    action: StructureRequestAction,
    operator: OperatorActor,
    message: string | null,
  ): Promise<StructureRequest> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.locked(manager, id);
      return this.move(
        manager,
        request,
        action,
        'operator',
        { type: AuditActorType.Operator, id: operator.id },
        message,
      );
    });
  }

  /**
   * Closes the requests left waiting on their applicant (a draft, or changes asked) for
   * ABANDONED_AFTER_MS, with no link of an email still valid: each journaled (by Relais) and its
   * applicant told by email, ABANDONED_BATCH per transaction. A request being changed meanwhile
   * is skipped (SKIP LOCKED) and seen again the next day. Run daily by the worker (retention job).
   */
  async closeAbandoned(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - ABANDONED_AFTER_MS);
    const notice = { abandonedAfterDays: Math.round(ABANDONED_AFTER_MS / DAY_MS) };
    const system = { type: AuditActorType.System };
    let closed = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const requests = await manager
          .createQueryBuilder(StructureRequest, 'request')
          .where('request.state IN (:...states)', {
            states: [StructureRequestState.Draft, StructureRequestState.ChangesRequested],
          })
          .andWhere('request.updatedAt < :cutoff', { cutoff })
          // A link sent since (the applicant asked for a new one) keeps it open until it expires.
          .andWhere(
            'NOT EXISTS (SELECT 1 FROM structure_request_links link WHERE link.request_id = request.id ' +
              'AND link.used_at IS NULL AND link.expires_at > :now)',
            { now },
          )
          .orderBy('request.updatedAt')
          .limit(ABANDONED_BATCH)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        for (const request of requests) {
          await this.move(manager, request, StructureRequestAction.Close, 'system', system, null, notice);
        }
        return requests.length;
      });
      closed += batch;
      if (batch < ABANDONED_BATCH) return closed;
    }
  }

  /** One step of the table: new state, journal entry, email with a new link (and `notice` in its payload). */
  private async move(
    manager: EntityManager,
    request: StructureRequest,
    action: StructureRequestAction,
    by: RequestParty,
    actor: AuditEvent['actor'],
    message: string | null,
    notice: Record<string, unknown> = {},
  ): Promise<StructureRequest> {
    const from = request.state;
    request.state = transition(request.state, action, by);
    if (message !== null) request.operatorMessage = message;
    request.updatedAt = new Date();
    await manager.save(request);
    await this.journal(manager, request, action, actor, from);
    await this.sendLink(manager, request, notice);
    return request;
  }

  private async locked(manager: EntityManager, id: string): Promise<StructureRequest> {
    const request = isUuid(id)
      ? await manager.findOne(StructureRequest, { where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!request) throw new DomainException(ErrorCode.StructureRequestNotFound);
    return request;
  }

  private async journal(
    manager: EntityManager,
    request: StructureRequest,
    action: StructureRequestAction,
    actor: AuditEvent['actor'],
    from: StructureRequestState | null,
  ): Promise<void> {
    await this.audit.record(manager, {
      action: TRANSITIONS[action].audit,
      actor,
      structureId: request.structureId,
      // The SIRET identifies an organisation, not a person; names and addresses stay out.
      details: { requestId: request.id, siret: request.siret, from, to: request.state },
    });
  }

  /** The email of the request's state, with a new single-use link; earlier links stop working. */
  private async sendLink(manager: EntityManager, request: StructureRequest, notice = {}): Promise<void> {
    const now = new Date();
    await manager.update(StructureRequestLink, { requestId: request.id, usedAt: IsNull() }, { usedAt: now });
    const { token, tokenHash } = newLinkToken();
    await manager.insert(StructureRequestLink, {
      requestId: request.id,
      tokenHash,
      expiresAt: new Date(now.getTime() + REQUEST_LINK_TTL_MS),
    });
    const kind: NotificationKind = STATE_EMAILS[request.state];
    const withMessage =
      request.state === StructureRequestState.ChangesRequested || request.state === StructureRequestState.Refused;
    const payload = {
      requestId: request.id,
      structureName: request.name || null,
      ...(withMessage && request.operatorMessage ? { message: request.operatorMessage } : {}),
      ...notice,
      sealedToken: this.secrets.seal(token),
    };
    await manager.query('INSERT INTO notifications (structure_request_id, kind, payload) VALUES ($1, $2, $3)', [
      request.id,
      kind,
      JSON.stringify(payload),
    ]);
  }

  private async validLink(manager: EntityManager, token: string, lock = false): Promise<StructureRequestLink> {
    const link =
      typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token)
        ? await manager.findOne(StructureRequestLink, {
            where: { tokenHash: hashLinkToken(token) },
            lock: lock ? { mode: 'pessimistic_write' } : undefined,
          })
        : null;
    if (!link || link.expiresAt.getTime() <= Date.now())
      throw new DomainException(ErrorCode.StructureRequestLinkInvalid);
    if (link.usedAt) throw new DomainException(ErrorCode.StructureRequestLinkUsed);
    return link;
  }

  /** Locks the link and its request and uses the link up (in the caller's transaction). */
  private async useLink(manager: EntityManager, token: string) {
    const link = await this.validLink(manager, token, true);
    const request = await this.locked(manager, link.requestId);
    await manager.update(StructureRequestLink, { id: link.id }, { usedAt: new Date() });
    return { link, request };
  }

  private async assertNotRegistered(manager: EntityManager, siret: string): Promise<void> {
    if (await manager.existsBy(Structure, { siret })) {
      throw new DomainException(ErrorCode.StructureAlreadyExists, { details: { siret } });
    }
  }

  /** A transaction whose unique-index violation on the open SIRET becomes "already requested". */
  private async write<T>(siret: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error, OPEN_SIRET_INDEX)) {
        throw new DomainException(ErrorCode.StructureAlreadyRequested, { details: { siret } });
      }
      throw error;
    }
  }
}

const applicant = (request: StructureRequest): AuditEvent['actor'] => ({
  type: AuditActorType.Applicant,
  id: request.id,
});

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id ?? '');

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === constraint;
}

function requiredMessage(message: string): string {
  const text = (message ?? '').trim();
  if (!text) {
    throw new ValidationFailedException([
      { field: 'message', problems: ['Écrivez un message : la personne doit savoir quoi faire.'] },
    ]);
  }
  return text;
}

function siretProblem(siret: string): ValidationFailedException {
  return new ValidationFailedException([
    {
      field: 'siret',
      problems: [
        /^[0-9]{14}$/.test(siret)
          ? 'Ce numéro SIRET n’est pas valide : vérifiez les chiffres (sur un avis de situation SIRENE, par exemple).'
          : 'Le numéro SIRET comporte 14 chiffres, par exemple 217 500 016 00019.',
      ],
    },
  ]);
}

/** "prénom ; nom ; adresse ; oui/non" → the aide, or the French problems of that line. */
export function parsePlannedAides(text: string): { aides: PlannedAide[]; problems: string[] } {
  const aides: PlannedAide[] = [];
  const problems: string[] = [];
  (text ?? '').split(/\r?\n/).forEach((raw, index) => {
    if (!raw.trim()) return;
    const [givenName = '', familyName = '', email = '', trained = ''] = raw.split(/[;\t]/).map((part) => part.trim());
    const row = {
      line: index + 1,
      givenName,
      familyName,
      email: normalizeEmail(email),
      role: null,
      roleText: '',
      trained: parseTrained(trained),
    };
    const found = rowProblems(row, { withRole: false });
    if (found.length > 0) problems.push(`Ligne ${index + 1} : ${found.join(' ')}`);
    else aides.push({ givenName, familyName, email: row.email, trained: row.trained === true });
  });
  return { aides, problems };
}

/** "papers, money" as a list of areas; unknown codes are a problem of the field. */
function areasOf(codes: readonly string[] | undefined): { areas: ProcedureArea[]; unknown: boolean } {
  const list = (codes ?? []).map((code) => code.trim()).filter(Boolean);
  return {
    areas: PROCEDURE_AREAS.filter((area) => list.includes(area)),
    unknown: list.some((code) => !isProcedureArea(code)),
  };
}

/**
 * The request's fields, or every problem at once, in French, by field. A draft (`complete`
 * false) needs only a valid SIRET and the address to write to; what it has is still checked.
 */
export function validRequest(input: StructureRequestInput, { complete }: { complete?: boolean }): RequestFields {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const text = (value: string | undefined) => (value ?? '').trim();
  const siret = normalizeSiret(input.siret ?? '');
  if (!isValidSiret(siret)) problems.push(...siretProblem(siret).fields);
  const name = text(input.name);
  if (complete && !name) add('name', 'Indiquez le nom de la structure.');
  const address = text(input.address);
  if (complete && !address) add('address', 'Indiquez l’adresse de la structure, avec le code postal.');
  else if (address && !/\b[0-9]{5}\b/.test(address)) {
    add('address', 'L’adresse doit comporter le code postal (5 chiffres), par exemple 75020 Paris.');
  }
  const type = text(input.type);
  if ((complete || type) && !isStructureType(type)) add('type', 'Choisissez le type de structure.');
  const { areas, unknown } = areasOf(input.areas);
  if (unknown) add('areas', 'Choisissez des démarches de la liste.');
  else if (complete && areas.length === 0) add('areas', 'Choisissez au moins une démarche.');
  const supervisorGivenName = text(input.supervisorGivenName);
  if (complete && !supervisorGivenName) add('supervisorGivenName', 'Indiquez le prénom de la personne responsable.');
  const supervisorFamilyName = text(input.supervisorFamilyName);
  if (complete && !supervisorFamilyName) add('supervisorFamilyName', 'Indiquez le nom de la personne responsable.');
  const supervisorEmail = normalizeEmail(input.supervisorEmail ?? '');
  if (!supervisorEmail || supervisorEmail.length > 254 || !isEmail(supervisorEmail)) {
    add('supervisorEmail', 'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.');
  }
  const planned = parsePlannedAides(input.plannedAides ?? '');
  if (planned.problems.length > 0) add('plannedAides', planned.problems.join(' '));
  if (problems.length > 0) throw new ValidationFailedException(problems);
  return {
    siret,
    name,
    address,
    type,
    areas,
    supervisorGivenName,
    supervisorFamilyName,
    supervisorEmail,
    plannedAides: planned.aides,
  };
}

/** The planned aides as the form's text again (one a line). */
export function plannedAidesText(aides: readonly PlannedAide[]): string {
  return aides
    .map((aide) => `${aide.givenName} ; ${aide.familyName} ; ${aide.email} ; ${aide.trained ? 'oui' : 'non'}`)
    .join('\n');
}
