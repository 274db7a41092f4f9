import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every DTO (a class with class-validator decorators) and the hostile-input suite that sends it
 * generated cases. A new DTO missing here fails hostile-dto-registry.e2e-spec.ts.
 */
export const HOSTILE_DTOS: Record<string, 'hostile-console' | 'hostile-public'> = {
  AccountSetupForm: 'hostile-console',
  CheckpointsQuery: 'hostile-public',
  CodeForm: 'hostile-console',
  ConsentForm: 'hostile-public',
  ConsentTranslationForm: 'hostile-console',
  DelegationChoiceForm: 'hostile-public',
  DelegationSearchQuery: 'hostile-public',
  EnrolmentForm: 'hostile-console',
  FormDto: 'hostile-console',
  ImportConfirmForm: 'hostile-console',
  InviteAideForm: 'hostile-console',
  LoginForm: 'hostile-console',
  MandateListQuery: 'hostile-console',
  NewLinkForm: 'hostile-public',
  NewMandateForm: 'hostile-console',
  OperatorImportForm: 'hostile-console',
  OperatorMessageForm: 'hostile-console',
  PlaceSearchQuery: 'hostile-public',
  PublicServiceAreasForm: 'hostile-console',
  ReportExportForm: 'hostile-console',
  ReportFiltersForm: 'hostile-console',
  RequestListQuery: 'hostile-console',
  RevocationForm: 'hostile-console',
  StopForm: 'hostile-public',
  StopQuery: 'hostile-public',
  StructureChoiceForm: 'hostile-console',
  StructureRequestForm: 'hostile-public',
  UsesQuery: 'hostile-public',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'test'].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The DTO classes of the source (apps/ and libs/, tests left out): a class whose body uses a
 * decorator its file imports from class-validator (or the project's own @IsBirthdate).
 */
export function discoverDtos(root: string): { name: string; file: string }[] {
  return ['apps', 'libs'].flatMap((top) =>
    sourceFiles(join(root, top)).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const imported = /import\s*\{([^}]*)\}\s*from\s*'class-validator'/.exec(text);
      if (!imported) return [];
      const decorators = [
        ...imported[1].split(',').map((name) =>
          name
            .trim()
            .split(/\s+as\s+/)
            .at(-1)!,
        ),
        'IsBirthdate',
      ].filter((name) => /^[A-Z]/.test(name));
      const classes = [...text.matchAll(/^(?:export\s+)?class\s+(\w+)/gm)];
      return classes
        .filter((match, index) => {
          const body = text.slice(match.index, classes[index + 1]?.index ?? text.length);
          return decorators.some((decorator) => body.includes(`@${decorator}(`));
        })
        .map((match) => ({ name: match[1], file: relative(root, file) }));
    }),
  );
}
