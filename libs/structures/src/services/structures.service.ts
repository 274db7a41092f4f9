import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditAction, type AuditEvent, AuditRecorder } from '@relais/audit';
import { type FieldProblem, ValidationFailedException } from '@relais/exceptions';
import { type EntityManager, QueryFailedError, type Repository } from 'typeorm';

import { Structure } from '../entities/structure.entity.js';
import { type ProcedureArea, toProcedureAreas } from '../enums/procedure-area.enum.js';
import { isStructureType, STRUCTURE_TYPES, type StructureType } from '../enums/structure-type.enum.js';
import { InvalidSiretException } from '../exceptions/invalid-siret.exception.js';
import { StructureAlreadyExistsException } from '../exceptions/structure-already-exists.exception.js';
import { StructureNotFoundException } from '../exceptions/structure-not-found.exception.js';
import { isValidSiret, normalizeSiret } from '../siret.js';

/** Who asks: the operator from the command line today, a supervisor or an API client later. */
export type StructureActor = AuditEvent['actor'];

/** What registering a structure takes; strings as they come from a form or a command line. */
export interface NewStructure {
  siret: string;
  name: string;
  address: string;
  type: string;
  areas: readonly string[];
}

const SIRET_UNIQUE_CONSTRAINT = 'structures_siret_key';
const UNIQUE_VIOLATION = '23505';

/** Registers structures and their perimeter; every change is journaled in its own transaction. */
@Injectable()
export class StructuresService {
  constructor(
    @InjectRepository(Structure) private readonly structures: Repository<Structure>,
    private readonly audit: AuditRecorder,
  ) {}

  async create(input: NewStructure, actor: StructureActor): Promise<Structure> {
    return this.structures.manager.transaction((manager) => this.createIn(manager, input, actor));
  }

  /**
   * `create` inside the caller's transaction (accepting a structure request creates the structure
   * and invites its supervisor at once). A duplicate SIRET aborts that transaction.
   */
  async createIn(manager: EntityManager, input: NewStructure, actor: StructureActor): Promise<Structure> {
    const fields = validNewStructure(input);
    try {
      const structure = await manager.save(manager.create(Structure, fields));
      await this.audit.record(manager, {
        action: AuditAction.StructureCreated,
        actor,
        structureId: structure.id,
        details: { siret: structure.siret, type: structure.type, areas: structure.areas },
      });
      return structure;
    } catch (error) {
      // The unique index is the one duplicate check, so two creates racing for a SIRET are settled too.
      if (isUniqueViolation(error, SIRET_UNIQUE_CONSTRAINT)) throw new StructureAlreadyExistsException(fields.siret);
      throw error;
    }
  }

  /** Every structure, by name in French alphabetical order (the column's collation). */
  list(): Promise<Structure[]> {
    return this.structures.find({ order: { name: 'ASC', siret: 'ASC' } });
  }

  async findBySiret(siret: string): Promise<Structure> {
    const normalized = validSiret(siret);
    const structure = await this.structures.findOneBy({ siret: normalized });
    if (!structure) throw new StructureNotFoundException(normalized);
    return structure;
  }

  /** Replaces the perimeter; an unchanged perimeter is not journaled again. */
  async setPerimeter(siret: string, codes: readonly string[], actor: StructureActor): Promise<Structure> {
    const normalized = validSiret(siret);
    const areas = validPerimeter(codes);
    return this.structures.manager.transaction(async (manager) => {
      // Locked, so the journaled difference is against the perimeter this change replaces.
      const structure = await manager.findOne(Structure, {
        where: { siret: normalized },
        lock: { mode: 'pessimistic_write' },
      });
      if (!structure) throw new StructureNotFoundException(normalized);
      const added = areas.filter((area) => !structure.areas.includes(area));
      const removed = structure.areas.filter((area) => !areas.includes(area));
      if (added.length === 0 && removed.length === 0) return structure;
      await manager.update(Structure, { id: structure.id }, { areas });
      await this.audit.record(manager, {
        action: AuditAction.StructurePerimeterChanged,
        actor,
        structureId: structure.id,
        details: { siret: normalized, areas, added, removed },
      });
      return Object.assign(structure, { areas });
    });
  }
}

function validSiret(value: string): string {
  const siret = normalizeSiret(value ?? '');
  if (!isValidSiret(siret)) throw new InvalidSiretException();
  return siret;
}

const NO_AREA: FieldProblem = { field: 'areas', problems: ['Choisissez au moins une démarche.'] };

function validPerimeter(codes: readonly string[]): ProcedureArea[] {
  const areas = toProcedureAreas(codes ?? []);
  if (areas.length === 0) throw new ValidationFailedException([NO_AREA]);
  return areas;
}

/** Refuses a bad SIRET or area with their own codes, then every other bad field at once. */
function validNewStructure(input: NewStructure): Omit<Structure, 'id' | 'active' | 'createdAt' | 'department'> {
  const siret = validSiret(input.siret);
  const areas = toProcedureAreas(input.areas ?? []);
  const name = input.name?.trim() ?? '';
  const address = input.address?.trim() ?? '';
  const type = input.type?.trim() ?? '';
  const problems: FieldProblem[] = [];
  if (!name) problems.push({ field: 'name', problems: ['Indiquez le nom de la structure.'] });
  if (!address) problems.push({ field: 'address', problems: ['Indiquez l’adresse de la structure.'] });
  if (!isStructureType(type)) {
    problems.push({ field: 'type', problems: [`Type inconnu. Types possibles : ${STRUCTURE_TYPES.join(', ')}.`] });
  }
  if (areas.length === 0) problems.push(NO_AREA);
  if (problems.length > 0) throw new ValidationFailedException(problems);
  return { siret, name, address, type: type as StructureType, areas };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === constraint;
}
