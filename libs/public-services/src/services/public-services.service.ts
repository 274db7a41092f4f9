import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditAction, AuditActorType, type AuditEvent, AuditRecorder } from '@relais/audit';
import { type FieldProblem, ValidationFailedException } from '@relais/exceptions';
import { type ProcedureArea, toProcedureAreas } from '@relais/structures';
import type { EntityManager, Repository } from 'typeorm';

import { CLIENT_ID_PATTERN, clientSecretMatches, newClientId, newClientSecret } from '../client-credentials.js';
import { PublicService } from '../entities/public-service.entity.js';
import { PublicServiceDirectory } from './public-service-directory.service.js';
import { InvalidRedirectUriException, type RedirectUriField } from '../exceptions/invalid-redirect-uri.exception.js';
import { PublicServiceNotFoundException } from '../exceptions/public-service-not-found.exception.js';
import { redirectUriProblem } from '../redirect-uri.js';

/** Who asks: the operator from the command line today. */
export type PublicServiceActor = AuditEvent['actor'];

/** What registering a public service takes; strings as they come from a form or a command line. */
export interface NewPublicService {
  name: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris?: readonly string[];
  areas: readonly string[];
  /** Whether its tokens carry `act` (who acts); true when not said. */
  discloseAct?: boolean;
}

/** The registered service and its client secret: the only time the secret exists in clear. */
export interface RegisteredPublicService {
  publicService: PublicService;
  clientSecret: string;
}

/** Long enough for "Caisse d’allocations familiales de la Seine-Saint-Denis", short enough for a page title. */
export const PUBLIC_SERVICE_NAME_MAX_LENGTH = 100;

/** Registers the public services that may ask Relais for a delegated login; each change is journaled. */
@Injectable()
export class PublicServicesService {
  constructor(
    @InjectRepository(PublicService) private readonly publicServices: Repository<PublicService>,
    private readonly audit: AuditRecorder,
    private readonly directory: PublicServiceDirectory,
  ) {}

  async register(input: NewPublicService, actor: PublicServiceActor): Promise<RegisteredPublicService> {
    const fields = validNewPublicService(input);
    const { clientSecret, secretHash } = newClientSecret();
    const publicService = await this.publicServices.manager.transaction(async (manager) => {
      const created = await manager.save(
        manager.create(PublicService, {
          ...fields,
          discloseAct: input.discloseAct ?? true,
          clientId: newClientId(),
          secretHash,
        }),
      );
      await this.audit.record(manager, {
        action: AuditAction.PublicServiceRegistered,
        actor,
        details: {
          clientId: created.clientId,
          areas: created.areas,
          redirectUris: created.redirectUris,
          postLogoutRedirectUris: created.postLogoutRedirectUris,
          discloseAct: created.discloseAct,
        },
      });
      return created;
    });
    return { publicService, clientSecret };
  }

  /** Every public service, by name in French alphabetical order (the column's collation). */
  list(): Promise<PublicService[]> {
    return this.publicServices.find({ order: { name: 'ASC', clientId: 'ASC' } });
  }

  /** The service, active or not (the caller decides what a disabled one may do), or null. */
  async findByClientId(clientId: string): Promise<PublicService | null> {
    if (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId)) return null;
    return this.publicServices.findOneBy({ clientId });
  }

  /** Replaces the areas served; an unchanged list is not journaled again. */
  async setAreas(clientId: string, codes: readonly string[], actor: PublicServiceActor): Promise<PublicService> {
    const areas = validAreas(codes);
    return this.change(clientId, async (manager, service) => {
      const added = areas.filter((area) => !service.areas.includes(area));
      const removed = service.areas.filter((area) => !areas.includes(area));
      if (added.length === 0 && removed.length === 0) return service;
      await manager.update(PublicService, { id: service.id }, { areas });
      await this.audit.record(manager, {
        action: AuditAction.PublicServiceAreasChanged,
        actor,
        details: { clientId, areas, added, removed },
      });
      return manager.findOneByOrFail(PublicService, { id: service.id });
    });
  }

  /** A disabled service can no longer start a delegated login; disabling it twice changes nothing. */
  disable(clientId: string, actor: PublicServiceActor): Promise<PublicService> {
    return this.setActive(clientId, false, actor);
  }

  enable(clientId: string, actor: PublicServiceActor): Promise<PublicService> {
    return this.setActive(clientId, true, actor);
  }

  /**
   * Whether the service's ID tokens and userinfo carry `act` (the aide and the structure) from its
   * next token on; the journal records who acted either way. An unchanged setting is not journaled.
   */
  setActDisclosure(clientId: string, discloseAct: boolean, actor: PublicServiceActor): Promise<PublicService> {
    return this.change(clientId, async (manager, service) => {
      if (service.discloseAct === discloseAct) return service;
      await manager.update(PublicService, { id: service.id }, { discloseAct });
      await this.audit.record(manager, {
        action: AuditAction.PublicServiceActDisclosureChanged,
        actor,
        details: { clientId, discloseAct },
      });
      return manager.findOneByOrFail(PublicService, { id: service.id });
    });
  }

  /** A new secret replaces the old one at once; returns it, the only time it exists in clear. */
  async rotateSecret(clientId: string, actor: PublicServiceActor): Promise<string> {
    const { clientSecret, secretHash } = newClientSecret();
    await this.change(clientId, async (manager, service) => {
      await manager.update(PublicService, { id: service.id }, { secretHash });
      // The journal says that the secret changed, never anything of the secret or its hash.
      await this.audit.record(manager, {
        action: AuditAction.PublicServiceSecretRotated,
        actor,
        details: { clientId },
      });
    });
    return clientSecret;
  }

  /**
   * Journals a failed client authentication (wrong secret) of a registered service at the
   * provider's `endpoint` (`token`, `token/revocation`); an unknown client_id is not journaled
   * (anyone can make one up), only rate-limited.
   */
  async journalAuthenticationFailure(clientId: string, endpoint: string): Promise<void> {
    if (!CLIENT_ID_PATTERN.test(clientId ?? '')) return;
    await this.publicServices.manager.transaction(async (manager) => {
      const known = await manager.exists(PublicService, { where: { clientId } });
      if (!known) return;
      await this.audit.record(manager, {
        action: AuditAction.PublicServiceAuthenticationFailed,
        actor: { type: AuditActorType.PublicService, id: clientId },
        details: { clientId, endpoint },
      });
    });
  }

  /** Whether the client presented this service's secret (compared as hashes, in constant time). */
  verifySecret(publicService: Pick<PublicService, 'secretHash'>, presented: string): boolean {
    return clientSecretMatches(publicService.secretHash, presented);
  }

  private setActive(clientId: string, active: boolean, actor: PublicServiceActor): Promise<PublicService> {
    return this.change(clientId, async (manager, service) => {
      if (service.active === active) return service;
      await manager.update(PublicService, { id: service.id }, { active });
      await this.audit.record(manager, {
        action: active ? AuditAction.PublicServiceEnabled : AuditAction.PublicServiceDisabled,
        actor,
        details: { clientId },
      });
      return manager.findOneByOrFail(PublicService, { id: service.id });
    });
  }

  /**
   * Runs a change on the locked row, so concurrent changes apply one after the other; once
   * committed, every process's PublicServiceDirectory forgets the service before this resolves.
   */
  private async change<T>(
    clientId: string,
    apply: (manager: EntityManager, service: PublicService) => Promise<T>,
  ): Promise<T> {
    const result = await this.publicServices.manager.transaction(async (manager) => {
      const service = CLIENT_ID_PATTERN.test(clientId ?? '')
        ? await manager.findOne(PublicService, { where: { clientId }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!service) throw new PublicServiceNotFoundException(clientId);
      return apply(manager, service);
    });
    await this.directory.changed(clientId);
    return result;
  }
}

const NO_AREA: FieldProblem = { field: 'areas', problems: ['Choisissez au moins une démarche.'] };

function validAreas(codes: readonly string[]): ProcedureArea[] {
  const areas = toProcedureAreas(codes ?? []);
  if (areas.length === 0) throw new ValidationFailedException([NO_AREA]);
  return areas;
}

/** Trimmed, without duplicates, each one checked; the first bad one is refused by name. */
function validRedirectUris(values: readonly string[], field: RedirectUriField): string[] {
  const uris = [...new Set((values ?? []).map((value) => value.trim()))];
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new InvalidRedirectUriException(field, uri, problem);
  }
  return uris;
}

/** Refuses a bad address or area with their own codes, then every other bad field at once. */
function validNewPublicService(
  input: NewPublicService,
): Pick<PublicService, 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'areas'> {
  const redirectUris = validRedirectUris(input.redirectUris, 'redirectUris');
  const postLogoutRedirectUris = validRedirectUris(input.postLogoutRedirectUris ?? [], 'postLogoutRedirectUris');
  const areas = toProcedureAreas(input.areas ?? []);
  const name = (input.name ?? '').normalize('NFC').trim();
  const problems: FieldProblem[] = [];
  if (!name) problems.push({ field: 'name', problems: ['Indiquez le nom du service public.'] });
  else if ([...name].length > PUBLIC_SERVICE_NAME_MAX_LENGTH) {
    problems.push({
      field: 'name',
      problems: [`Le nom du service public ne doit pas dépasser ${PUBLIC_SERVICE_NAME_MAX_LENGTH} caractères.`],
    });
  } else if (/\p{Cc}/u.test(name)) {
    problems.push({
      field: 'name',
      problems: ['Le nom du service public ne doit pas contenir de caractère invisible.'],
    });
  }
  if (redirectUris.length === 0) {
    problems.push({ field: 'redirectUris', problems: ['Indiquez au moins une adresse de retour (redirect URI).'] });
  }
  if (areas.length === 0) problems.push(NO_AREA);
  if (problems.length > 0) throw new ValidationFailedException(problems);
  return { name, redirectUris, postLogoutRedirectUris, areas };
}
