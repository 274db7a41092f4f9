import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestEnvironment, runCli, type TestEnvironment, testSiret } from '@relais/testing';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { DataSource } from 'typeorm';

import { databaseFingerprint } from '../../api/test/hostile/hostile-harness.js';
import { hostileString } from '../../api/test/hostile/hostile-values.js';
import { CliContext } from '../src/cli-context.js';
import { relaisProgram, runRelais } from '../src/program.js';

/** One Nest context for every case (a context per command run would take a second each). */
class SharedContext extends CliContext {
  override async close(): Promise<void> {}

  closeForGood(): Promise<void> {
    return super.close();
  }
}

interface CliCase {
  kind: 'value' | 'unknownOption' | 'missing' | 'extraArgument';
  argv: string[];
}

/** A command line: positional arguments, then options (repeated when a list), as typed. */
interface CommandLine {
  args: string[];
  options: Record<string, string>;
  /** Options commander requires (requiredOption). */
  required?: string[];
  /** Arguments kept as they are, at the end (never hostile). */
  fixed?: string[];
}

const flatten = (command: string, line: CommandLine) => [
  command,
  ...line.args,
  ...Object.entries(line.options).flatMap(([name, value]) => [`--${name}`, value]),
  ...(line.fixed ?? []),
];

/** Hostile command lines for `command`, from a valid one. */
function cliCases(command: string, line: CommandLine): fc.Arbitrary<CliCase> {
  const slots = [...line.args.map((_, i) => `arg:${i}`), ...Object.keys(line.options).map((name) => `opt:${name}`)];
  const cases: fc.Arbitrary<CliCase>[] = [
    fc.tuple(fc.constantFrom('--admin', '--sql', '--x', '-z', '--__proto__'), hostileString).map(([flag, value]) => ({
      kind: 'unknownOption' as const,
      argv: [...flatten(command, line), flag, value],
    })),
  ];
  if (slots.length > 0) {
    cases.push(
      fc
        .tuple(
          fc.subarray(slots, { minLength: 1 }),
          fc.array(hostileString, { minLength: slots.length, maxLength: slots.length }),
        )
        .map(([chosen, values]) => {
          const args = [...line.args];
          const options = { ...line.options };
          chosen.forEach((slot) => {
            const value = values[slots.indexOf(slot)];
            if (slot.startsWith('arg:')) args[Number(slot.slice(4))] = value;
            else options[slot.slice(4)] = value;
          });
          return { kind: 'value' as const, argv: flatten(command, { args, options, fixed: line.fixed }) };
        }),
    );
  }
  if ((line.required ?? []).length > 0 || line.args.length > 0) {
    cases.push(
      fc
        .constantFrom(...(line.required ?? []).map((name) => `opt:${name}`), ...(line.args.length ? ['args'] : []))
        .map((dropped) => ({
          kind: 'missing' as const,
          argv:
            dropped === 'args'
              ? flatten(command, { args: [], options: line.options, fixed: line.fixed })
              : flatten(command, {
                  fixed: line.fixed,
                  args: line.args,
                  options: Object.fromEntries(
                    Object.entries(line.options).filter(([name]) => `opt:${name}` !== dropped),
                  ),
                }),
        })),
    );
  }
  cases.push(
    fc
      .array(
        hostileString.filter((value) => !value.startsWith('-')),
        { minLength: 2, maxLength: 3 },
      )
      .map((extra) => ({
        kind: 'extraArgument' as const,
        argv: [...flatten(command, { ...line, args: [...line.args, ...extra] })],
      })),
  );
  return fc.oneof(...cases);
}

/** Every command but `demo` (runs the whole platform until Ctrl+C) and `db:revert` (drops the last migration). */
const commandLines = (work: string, existingSiret: string): Record<string, CommandLine> => ({
  'db:migrate': { args: [], options: {} },
  'audit:verify': { args: [], options: { checkpoints: join(work, 'checkpoints.json') } },
  'audit:seal': { args: [], options: {} },
  'docs:env-vars': { args: [], options: {} },
  'docs:errors': { args: [], options: {} },
  'structure:create': {
    args: [],
    options: {
      siret: existingSiret,
      name: 'Maison',
      address: '2 rue Y, 75020 Paris',
      type: 'association',
      areas: 'papers,money',
    },
    required: ['siret', 'name', 'address', 'type', 'areas'],
  },
  'structure:list': { args: [], options: {} },
  'aide:invite': {
    args: [],
    options: { structure: existingSiret, email: 'invite.cli@example.fr', role: 'aide', 'given-name': 'Léa' },
    required: ['structure', 'email', 'role'],
  },
  'keys:rotate': { args: [], options: {} },
  'keys:list': { args: [], options: {} },
  'oidc-keys:rotate': { args: [], options: {} },
  // Without SECRETS_KEY_PREVIOUS in this environment: refused, nothing re-encrypted.
  'secrets:rotate': { args: [], options: {} },
  'operator:grant': { args: ['personne@example.fr'], options: {} },
  'operator:revoke': { args: ['personne@example.fr'], options: {} },
  'attestation:verify': { args: ['ABCD-EFGH-JKLM'], options: {} },
  'public-service:register': {
    args: [],
    options: { name: 'Impôts', 'redirect-uri': 'https://impots.example.fr/callback', areas: 'papers' },
    required: ['name', 'redirect-uri', 'areas'],
  },
  'public-service:list': { args: [], options: {} },
  'public-service:areas': { args: ['ps_inconnu'], options: { areas: 'papers' }, required: ['areas'] },
  'public-service:disable': { args: ['ps_inconnu'], options: {} },
  'public-service:enable': { args: ['ps_inconnu'], options: {} },
  'public-service:act': { args: ['ps_inconnu', 'on'], options: {} },
  'public-service:rotate-secret': { args: ['ps_inconnu'], options: {} },
  'places:import': { args: [join(work, 'places.json')], options: {} },
  'queue:failed': { args: ['mandates'], options: {} },
  'queue:retry': { args: ['mandates', 'job-inconnu'], options: {} },
  'citizen-emails:run': { args: [], options: { day: '2026-11-30' } },
  'consent:translation:add': { args: ['2026-12-v2', 'xx', join(work, 'translation.json')], options: {} },
  'consent:translation:list': { args: [], options: {} },
  'notifications:pending': { args: ['personne@example.fr'], options: {} },
  // --out stays a fixed file of the test: a hostile path would be written to (the CLI runs as its operator).
  'report:export': {
    args: [],
    options: {
      structure: existingSiret,
      from: '2026-01-01',
      to: '2026-01-31',
      format: 'csv',
      aide: '00000000-0000-4000-8000-000000000000',
    },
    required: ['structure', 'from', 'to', 'format'],
    fixed: ['--out', join(work, 'out.csv')],
  },
  'report:verify': { args: [join(work, 'report.csv')], options: {} },
});

/** What the operator would read: a stack trace, a source path or a driver error must not be in it. */
const LEAK =
  /\n\s+at \S+ \(|\bat (?:async )?[\w.<>]+ \([^)]*:\d+:\d+\)|node:internal|node_modules\/|\.[jt]s:\d+:\d+|QueryFailedError|EntityNotFound|invalid input syntax/;

/**
 * Hostile command lines for every operator command, run in-process against the real database and
 * Redis: each ends with a clear message (French refusal or commander's usage error) and a
 * non-zero exit when refused, never a stack trace, and a refused one changes no table.
 */
describe('operator CLI: hostile arguments (fast-check)', () => {
  let env: TestEnvironment;
  let context: SharedContext;
  let db: DataSource;
  let work: string;
  const tallies = new Map<string, { cases: number; refused: number; accepted: number }>();
  const RUNS = Math.max(5, Math.round(Number(process.env.HOSTILE_RUNS ?? 25) / 2));

  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const capture = (into: string[]) => (chunk: unknown) => {
      into.push(typeof chunk === 'string' ? chunk : String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture(out) as never),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture(err) as never),
      jest.spyOn(console, 'log').mockImplementation((...parts) => out.push(parts.join(' '))),
      jest.spyOn(console, 'error').mockImplementation((...parts) => err.push(parts.join(' '))),
      jest.spyOn(console, 'warn').mockImplementation((...parts) => err.push(parts.join(' '))),
    ];
    try {
      const code = await runRelais(argv, context);
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      spies.forEach((spy) => spy.mockRestore());
      process.exitCode = undefined;
    }
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    context = new SharedContext();
    db = (await context.get()).get(DataSource);
    work = mkdtempSync(join(tmpdir(), 'relais-hostile-cli-'));
    writeFileSync(join(work, 'translation.json'), '{"notice": "x"}');
    writeFileSync(join(work, 'places.json'), '[]');
    writeFileSync(join(work, 'checkpoints.json'), '{"checkpoints": []}');
    writeFileSync(join(work, 'report.csv'), 'a;b\n');
    const siret = testSiret();
    await runRelais(
      [
        'structure:create',
        '--siret',
        siret,
        '--name',
        'Hostile',
        '--address',
        '1 rue X, 75020 Paris',
        '--type',
        'ccas',
        '--areas',
        'papers',
      ],
      context,
    );
    process.exitCode = undefined;
    existingSiret = siret;
  }, 60_000);

  afterAll(async () => {
    const lines = [...tallies.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([command, t]) =>
          `hostile-input cli ${command}: ${t.cases} generated cases (${t.refused} refused, ${t.accepted} accepted)`,
      );
    console.log(
      `hostile-cli.e2e-spec.ts\n${lines.join('\n')}\nhostile-input cli total: ${[...tallies.values()].reduce((s, t) => s + t.cases, 0)} cases`,
    );
    await context?.closeForGood();
    await env?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  let existingSiret = '';

  it('given the program, then every registered command but demo and db:revert has hostile cases here', () => {
    const registered = relaisProgram(new CliContext()).commands.map((command) => command.name());
    const covered = Object.keys(commandLines(work, existingSiret));

    expect(registered.filter((name) => !covered.includes(name)).sort()).toEqual(['db:revert', 'demo']);
  });

  it.each(Object.keys(commandLines('', '')))(
    'given hostile arguments to %s, when it runs, then it ends with a clear message, exits non-zero when refused and changes nothing then',
    async (command) => {
      const line = commandLines(work, existingSiret)[command];
      const tally = { cases: 0, refused: 0, accepted: 0 };
      tallies.set(command, tally);
      const outcome = await fc.check(
        fc.asyncProperty(cliCases(command, line), async ({ kind, argv }) => {
          const before = await databaseFingerprint(db);
          const { code, out, err } = await run(argv);
          tally.cases += 1;
          if (process.env.HOSTILE_DEBUG) {
            process.stdout.write(`${argv.join(' ').slice(0, 150)} → ${code}: ${(err || out).slice(0, 200)}\n`);
          }
          const leak = LEAK.exec(out + err);
          if (leak) throw new Error(`${argv.join(' ').slice(0, 200)} printed internals: ${leak[0]}`);
          const surelyRefused = kind !== 'value';
          if (surelyRefused && code === 0)
            throw new Error(`${argv.join(' ').slice(0, 200)} exited 0 to a command line it must refuse`);
          if (code !== 0) {
            tally.refused += 1;
            if (err.trim() === '' && out.trim() === '')
              throw new Error(`${argv.join(' ').slice(0, 200)} exited ${code} silently`);
            expect(await databaseFingerprint(db)).toEqual(before);
          } else {
            tally.accepted += 1;
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      if (outcome.failed) {
        const shown = JSON.stringify(outcome.counterexample, (_key, value: unknown) =>
          typeof value === 'string' && value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : value,
        );
        const cause =
          outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
        throw new Error(`${cause.slice(0, 1500)}\ncounterexample: ${shown.slice(0, 1000)}\nseed: ${outcome.seed}`);
      }
      expect(tally.cases).toBe(RUNS);
    },
    120_000,
  );

  it('given a hostile command line, when the real CLI process runs it, then it exits 1 with the usage error and no stack trace', async () => {
    const result = await runCli(env, ['structure:list', '--bogus', "'; DROP TABLE structures; --", '\u202e']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: unknown option '--bogus'");
    expect(result.stderr).not.toMatch(LEAK);
  });

  it('given a NUL byte in an address, when operator:grant runs in the real CLI process, then it refuses in French with exit 1', async () => {
    const result = await runCli(env, ['operator:grant', 'personne\u0001@example.fr']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Erreur : /);
    expect(result.stderr).not.toMatch(LEAK);
  });
});
