import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';

// The boundaries `npm run lint` enforces (eslint.config.js), checked on probe files with the
// ESLint command line, as npm run lint runs it.
const root = projectRoot();
// One ESLint process per test, each building the import graph: seconds on a busy machine.
const LINT_TIMEOUT_MS = 90_000;
const ESLINT = join(root, 'node_modules/eslint/bin/eslint.js');

/** The rules each linted file breaks. */
function lint(args: string[], stdin?: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [ESLINT, '--format', 'json', ...args],
      { cwd: root, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout) => {
        // Exit code 1 means problems found, reported in stdout; anything else is a crash.
        if (error && error.code !== 1) return reject(error);
        const results = JSON.parse(stdout) as { messages: { ruleId: string | null; message: string }[] }[];
        resolve(results.map((result) => result.messages.map((message) => message.ruleId ?? message.message)));
      },
    );
    child.stdin!.end(stdin ?? '');
  });
}

const lintProbe = async (filePath: string, code: string) =>
  (await lint(['--stdin', '--stdin-filename', filePath], code))[0];

describe('library boundaries in npm run lint', () => {
  it(
    'given a library importing another through its alias, when linted, then nothing is reported',
    async () => {
      // Given / When
      const broken = await lintProbe('libs/mandates/src/probe.ts', "export { TotpService } from '@relais/aides';\n");

      // Then
      expect(broken).toEqual([]);
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'given a library importing a file inside another library, when linted, then lint fails',
    async () => {
      // Given / When
      const broken = await lintProbe(
        'libs/mandates/src/probe.ts',
        "export { TotpService } from '../../aides/src/services/totp.service.js';\n",
      );

      // Then
      expect(broken).toEqual(['import-x/no-restricted-paths']);
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'given an app importing a file inside a library, when linted, then lint fails',
    async () => {
      // Given / When
      const broken = await lintProbe(
        'apps/api/src/probe.ts',
        "export { TotpService } from '../../../libs/aides/src/services/totp.service.js';\n",
      );

      // Then
      expect(broken).toEqual(['import-x/no-restricted-paths']);
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'given a library importing an app, when linted, then lint fails',
    async () => {
      // Given / When
      const broken = await lintProbe(
        'libs/web/src/probe.ts',
        "export { ApiModule } from '../../../apps/api/src/api.module.js';\n",
      );

      // Then
      expect(broken).toEqual(['import-x/no-restricted-paths']);
    },
    LINT_TIMEOUT_MS,
  );

  describe('import cycles', () => {
    // Real files: the cycle rule follows imports on disk. var/ is ignored by git and by lint.
    const folder = join('var', `lint-probe-${randomBytes(4).toString('hex')}`);

    beforeAll(async () => {
      await mkdir(join(root, folder), { recursive: true });
      const probe = (name: string, code: string) => writeFile(join(root, folder, name), code);
      await probe('decorator.ts', "import { Guard } from './guard.js';\nexport const guarded = Guard;\n");
      await probe(
        'guard.ts',
        "import { guarded } from './decorator.js';\nexport class Guard {}\nexport const uses = () => guarded;\n",
      );
      await probe('alone.ts', "import { Guard } from './guard.js';\nexport const alone = Guard;\n");
    });
    afterAll(() => rm(join(root, folder), { recursive: true, force: true }));

    it(
      'given two files importing each other, when linted, then lint fails on both',
      async () => {
        // Given the files above / When
        const broken = await lint(['--no-ignore', join(folder, 'decorator.ts'), join(folder, 'guard.ts')]);

        // Then
        expect(broken).toEqual([['import-x/no-cycle'], ['import-x/no-cycle']]);
      },
      LINT_TIMEOUT_MS,
    );

    it(
      'given a file importing one side of a cycle it is not part of, when linted, then it is not reported',
      async () => {
        // Given the files above / When
        const broken = await lint(['--no-ignore', join(folder, 'alone.ts')]);

        // Then
        expect(broken).toEqual([[]]);
      },
      LINT_TIMEOUT_MS,
    );
  });
});
