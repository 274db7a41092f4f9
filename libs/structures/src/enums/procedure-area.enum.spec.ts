import { DomainException, ErrorCode } from '@relais/exceptions';

import { PROCEDURE_AREA_LABELS, PROCEDURE_AREAS, ProcedureArea, parseProcedureAreas } from './procedure-area.enum.js';

describe('the procedure area catalogue', () => {
  it('holds the ten areas of the brief, each with a French label', () => {
    expect(PROCEDURE_AREAS).toEqual([
      'papers',
      'family',
      'social',
      'work',
      'housing',
      'transport',
      'money',
      'justice',
      'foreigners',
      'leisure',
    ]);
    expect(Object.keys(PROCEDURE_AREA_LABELS).sort()).toEqual([...PROCEDURE_AREAS].sort());
    expect(PROCEDURE_AREA_LABELS[ProcedureArea.Foreigners]).toBe('Étrangers en France');
  });
});

describe('parseProcedureAreas', () => {
  it('reads comma-separated codes, ignoring spaces, case and empty items', () => {
    expect(parseProcedureAreas(' Papers, money,,')).toEqual([ProcedureArea.Papers, ProcedureArea.Money]);
  });

  it('removes duplicates and returns the areas in catalogue order', () => {
    expect(parseProcedureAreas('money,papers,money,family')).toEqual([
      ProcedureArea.Papers,
      ProcedureArea.Family,
      ProcedureArea.Money,
    ]);
  });

  it('returns no area for an empty list (the caller decides whether that is allowed)', () => {
    expect(parseProcedureAreas(' ')).toEqual([]);
  });

  it('refuses an unknown code and names it, with the codes that exist', () => {
    // Given a list with one typo
    const parse = () => parseProcedureAreas('papers,monney');
    // Then the error is the domain's, with a French message naming the typo
    expect(parse).toThrow(DomainException);
    try {
      parse();
    } catch (error) {
      const exception = error as DomainException;
      expect(exception.code).toBe(ErrorCode.UnknownProcedureArea);
      expect(exception.details).toEqual({ unknown: ['monney'] });
      expect(exception.userMessage).toBe(
        'Démarche inconnue : « monney ». Démarches possibles : papers, family, social, work, housing, transport, money, justice, foreigners, leisure.',
      );
    }
  });
});
