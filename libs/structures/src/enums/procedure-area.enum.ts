import { UnknownProcedureAreaException } from '../exceptions/unknown-procedure-area.exception.js';

/**
 * The catalogue of procedure areas (démarches) a structure's perimeter and a mandate may cover.
 * The codes are stored in the database and in the audit journal: never rename one.
 */
export enum ProcedureArea {
  Papers = 'papers',
  Family = 'family',
  Social = 'social',
  Work = 'work',
  Housing = 'housing',
  Transport = 'transport',
  Money = 'money',
  Justice = 'justice',
  Foreigners = 'foreigners',
  Leisure = 'leisure',
}

/** Every area, in catalogue order (the order screens and stored perimeters use). */
export const PROCEDURE_AREAS: readonly ProcedureArea[] = Object.values(ProcedureArea);

/** What people read on screens and documents. */
export const PROCEDURE_AREA_LABELS: Record<ProcedureArea, string> = {
  [ProcedureArea.Papers]: 'Papiers et citoyenneté',
  [ProcedureArea.Family]: 'Famille',
  [ProcedureArea.Social]: 'Social et santé',
  [ProcedureArea.Work]: 'Travail',
  [ProcedureArea.Housing]: 'Logement',
  [ProcedureArea.Transport]: 'Transports',
  [ProcedureArea.Money]: 'Argent (impôts, banques)',
  [ProcedureArea.Justice]: 'Justice',
  [ProcedureArea.Foreigners]: 'Étrangers en France',
  [ProcedureArea.Leisure]: 'Loisirs',
};

export function isProcedureArea(value: string): value is ProcedureArea {
  return (PROCEDURE_AREAS as readonly string[]).includes(value);
}

/**
 * Checks area codes against the catalogue and returns them without duplicates, in catalogue
 * order, so two equal perimeters are always stored alike. Throws for any unknown code.
 */
export function toProcedureAreas(codes: readonly string[]): ProcedureArea[] {
  const unknown = codes.filter((code) => !isProcedureArea(code));
  if (unknown.length > 0) throw new UnknownProcedureAreaException(unknown, PROCEDURE_AREAS);
  return PROCEDURE_AREAS.filter((area) => codes.includes(area));
}

/** Parses a comma-separated list of area codes, e.g. `papers, money` from a command line. */
export function parseProcedureAreas(csv: string): ProcedureArea[] {
  return toProcedureAreas(
    csv
      .split(',')
      .map((code) => code.trim().toLowerCase())
      .filter((code) => code !== ''),
  );
}
