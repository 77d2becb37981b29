/**
 * `npm start` as a child process, for the end-to-end suite: a fresh temporary
 * DATA_DIR (or a given one, to restart on the same data), a port chosen by the
 * system, and a clean stop by signal. Tests then talk to it over HTTP only.
 *
 * The same suite also runs against `npm run rehearse` (the synthesized cloud
 * assembly served as AWS would run it): a test file written with
 * `describe.each(E2E_TARGETS)` runs once per target. `npm test` has the
 * `npm start` target only; `npm run test:rehearse` (jest.rehearse.config.js)
 * synthesizes once and selects the rehearsal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV } from '../../lambdas/config';

const REPO_ROOT = resolve(__dirname, '../..');

/** What the end-to-end suite can run against. */
export type E2eTarget = 'npm start' | 'rehearsal';

/** Selects the targets: `E2E_TARGETS` (comma-separated), by default `npm start` only. */
export const E2E_TARGETS: E2eTarget[] = (process.env.E2E_TARGETS ?? 'npm start')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is E2eTarget => name === 'npm start' || name === 'rehearsal');

/** Where the rehearsal target finds its synthesized assembly (set by the rehearsal's global setup). */
export const REHEARSAL_ASSEMBLY_ENV = 'REHEARSAL_ASSEMBLY_DIR';

/** Context values (space-separated `key=value`) the rehearsal's global setup synthesizes with. */
export const REHEARSAL_CONTEXT_ENV = 'REHEARSAL_CONTEXT';

/** Whether that context puts the stack in envelope signing mode (`npm run test:rehearse:envelope`). */
export const ENVELOPE_SIGNING = (process.env[REHEARSAL_CONTEXT_ENV] ?? '')
  .split(' ')
  .includes('signingMode=envelope');

/** The command line of each target, run with tsx's loader in a plain node process. */
function commandOf(target: E2eTarget, assemblyDir?: string): string[] {
  if (target === 'npm start') return ['local/server.ts'];
  const assembly = assemblyDir ?? process.env[REHEARSAL_ASSEMBLY_ENV];
  if (!assembly)
    throw new Error(`${REHEARSAL_ASSEMBLY_ENV} is not set: run npm run test:rehearse.`);
  return ['tools/rehearse/main.ts', '--assembly', assembly];
}

/**
 * The public half of the key that signs the target's tokens: the local key
 * file of `npm start`, or the KMS stand-in's key of the rehearsal (one key).
 */
export async function signingPublicKey(target: E2eTarget, dataDir: string): Promise<KeyObject> {
  if (target === 'npm start') {
    return createPublicKey(
      createPrivateKey(await readFile(join(dataDir, 'signing-key.pem'), 'utf8')),
    );
  }
  const files = (await readdir(join(dataDir, 'kms'))).filter((file) => file.endsWith('.pem'));
  if (files.length !== 1) throw new Error(`expected one stand-in KMS key, found ${files.length}`);
  return createPublicKey(
    createPrivateKey(await readFile(join(dataDir, 'kms', files[0] as string), 'utf8')),
  );
}
/**
 * How long a start may take before the test fails: `npm start` loads the
 * sources; the rehearsal also starts one process per function of the assembly
 * and resolves every environment (custom resources included) first, which on
 * a loaded two-core machine takes far longer. A bound, never a wait: the test
 * goes on the moment the server answers.
 */
const START_TIMEOUT_MS: Record<E2eTarget, number> = { 'npm start': 30_000, rehearsal: 120_000 };
const STOP_TIMEOUT_MS = 10_000;

export interface ServerProcess {
  target: E2eTarget;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  dataDir: string;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freshDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'jwt-auth-e2e-'));
}

/** The parent's environment without anything that would point the server elsewhere. */
function childEnvironment(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.values(ENV)) delete env[name];
  return { ...env, PORT: '0', DATA_DIR: dataDir, ...extra };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

/** Resolves with the URL the server prints once it listens; rejects if it exits or hangs first. */
function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolveUrl(url);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output()}`));
    });
  });
}

/** Polls until the server answers HTTP (any status): it is then serving requests. */
async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await (await fetch(`${url}/`)).arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
}

/** How a start that was meant to fail ended. */
export interface FailedStart {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawning the process to its exit. */
  ms: number;
}

/**
 * Runs `local/server.ts` expecting it to give up on its own (a start-up
 * error); kills it after `killAfterMs` if it does not, and reports that too.
 */
export async function runFailingStart(
  options: { dataDir?: string; env?: Record<string, string>; killAfterMs?: number } = {},
): Promise<FailedStart> {
  const dataDir = options.dataDir ?? (await freshDataDir());
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    cwd: REPO_ROOT,
    env: childEnvironment(dataDir, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(
    () => child.kill('SIGKILL'),
    options.killAfterMs ?? START_TIMEOUT_MS['npm start'],
  );
  try {
    const code = await new Promise<number | null>((resolveExit) =>
      child.once('close', (exitCode) => resolveExit(exitCode)),
    );
    return { code, stdout, stderr, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the target (default `npm start`: `local/server.ts`) with tsx's loader
 * in a plain node process (signals reach it directly).
 */
export async function startServerProcess(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    target?: E2eTarget;
    /** The rehearsal's assembly; default the one of REHEARSAL_ASSEMBLY_DIR. */
    assembly?: string;
    /**
     * Run the real `npm start` (npm, a shell, tsx, node) as the leader of a
     * process group of its own, as a terminal or a supervisor runs it;
     * `stop` then signals the whole group.
     */
    processGroup?: boolean;
  } = {},
): Promise<ServerProcess> {
  const target = options.target ?? 'npm start';
  const dataDir = options.dataDir ?? (await freshDataDir());
  const env = childEnvironment(dataDir, options.env ?? {});
  const child = options.processGroup
    ? spawn('npm', ['start', '--silent'], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(process.execPath, ['--import', 'tsx', ...commandOf(target, options.assembly)], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  const signal = (name: NodeJS.Signals) => {
    if (options.processGroup && child.pid !== undefined) process.kill(-child.pid, name);
    else child.kill(name);
  };
  let printed = '';
  const output = () => printed;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  const exited = waitForExit(child);

  const url = await waitForUrl(child, output, START_TIMEOUT_MS[target]);
  await waitUntilAnswering(url, START_TIMEOUT_MS[target]);

  return {
    target,
    url,
    dataDir,
    output,
    async stop(name = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) signal(name);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          signal('SIGKILL');
          reject(new Error(`server did not stop on ${name} in ${STOP_TIMEOUT_MS} ms:\n${printed}`));
        }, STOP_TIMEOUT_MS);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
