import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { projectRoot } from '@relais/config';

import type { TestEnvironment } from './test-environment.js';

const CLI = join(projectRoot(), 'dist/apps/cli/src/main.js');
const execute = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the compiled operator CLI as a person would, in the suite's environment. */
export async function runCli(
  env: TestEnvironment,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
  try {
    const { stdout, stderr } = await execute(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env.env, ...extraEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
