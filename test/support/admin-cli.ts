/**
 * `npm run admin` as an operator runs it, for the end-to-end suites: the CLI's
 * entry (admin/main.ts) in a child process through tsx, with the test's
 * environment minus anything that would point it elsewhere.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ENV } from '../../lambdas/config';

const REPO_ROOT = resolve(__dirname, '../..');

/** A bound on one command, far above its normal second or two on a loaded machine. */
const COMMAND_TIMEOUT_MS = 60_000;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`, feeding `stdin`; resolves once it has exited. */
export function runAdmin(args: string[], stdin?: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, [ENV.passwordHashCost]: '10' };
  // One JSON line per log entry, as an operator's terminal gets them.
  for (const name of [ENV.dynamodbEndpoint, 'DATA_DIR', 'POWERTOOLS_DEV']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'admin/main.ts', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
  return new Promise((done) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}
