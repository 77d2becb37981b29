/**
 * The data folder of `npm start` (DATA_DIR), made ready before anything is
 * opened in it: created private to its owner (0700), proven writable, its
 * signing key checked to be private, and locked against a second `npm start`.
 *
 * Why here and first: the embedded database (LevelDB) fails late and
 * obscurely when its folder is unusable or already open elsewhere (a stack
 * trace, "Database is closed", or a hang for a folder under /proc), and a key
 * that other users can read is a key anyone on the machine can sign with.
 * Every failure here is a {@link StartupError} that says what to do.
 */
import { chmod, link, mkdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileSystemReason, StartupError } from './startup-error';

/** Holds the pid of the `npm start` that runs the embedded database in this folder. */
export const LOCK_FILE = 'npm-start.lock';
/** The embedded database's own folder inside DATA_DIR. */
export const DATABASE_FOLDER = 'dynamodb';

/** Group and other permission bits: none may be set on a private file. */
const NOT_OWNER_BITS = 0o077;
const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;

/** POSIX modes mean nothing on Windows; the checks are skipped there. */
const POSIX = process.platform !== 'win32';

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** `dir` as the user most likely wrote it: relative to the current folder when inside it. */
export function displayPath(dir: string, cwd: string = process.cwd()): string {
  const shown = relative(cwd, dir);
  return shown && !shown.startsWith('..') && !shown.startsWith('/') ? shown : dir;
}

function cannotWrite(dir: string, error: unknown): StartupError {
  return new StartupError(
    `Cannot write the data folder ${displayPath(dir)} (${fileSystemReason(error)}); set DATA_DIR to a folder you can write.`,
  );
}

/**
 * `mkdir -p` with `mode` on every folder it creates. Not `recursive: true`:
 * Node's recursive mkdir loops forever on a path under /proc.
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: PRIVATE_FOLDER });
    return;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') {
      if (!(await stat(dir)).isDirectory()) throw error;
      return;
    }
    const parent = dirname(dir);
    if (codeOf(error) !== 'ENOENT' || parent === dir) throw error;
  }
  await makeFolder(dirname(dir));
  try {
    await mkdir(dir, { mode: PRIVATE_FOLDER });
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
  }
}

/** Creates a file holding `content` only if none exists, all at once (no reader sees it empty). */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, content, { mode: PRIVATE_FILE });
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

/** Whether a process with this pid runs (possibly as another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return codeOf(error) === 'EPERM';
  }
}

/** The pid in a lock file; `undefined` when there is none or it holds no pid. */
export async function lockHolder(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The lock on a data folder; `release` removes it if it is still this process's. */
export interface DataDirLock {
  file: string;
  release(): Promise<void>;
}

/**
 * Takes the folder's lock for this process. A lock left by a process that no
 * longer runs (a crash, a `kill -9`, a container restarted with the same pid)
 * is taken over; one held by a running process is refused.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await createExclusive(file, `${process.pid}\n`)) {
      return {
        file,
        async release() {
          if ((await lockHolder(file).catch(() => undefined)) === process.pid) {
            await unlink(file).catch(() => undefined);
          }
        },
      };
    }
    const holder = await lockHolder(file);
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
      throw new StartupError(
        `The data folder ${displayPath(dir)} is in use by another npm start (pid ${holder}); stop it, or set DATA_DIR to another folder.`,
      );
    }
    await rm(file, { force: true });
  }
  throw new StartupError(
    `The data folder ${displayPath(dir)} is being locked by another npm start at this moment; stop it, or set DATA_DIR to another folder.`,
  );
}

/** Refuses a signing key that other users may read or write, as ssh refuses such a private key. */
async function checkKeysArePrivate(dir: string, keyFiles?: readonly string[]): Promise<void> {
  // Loaded here, after the lock: the signer brings in jose, and a refused start should not wait for it.
  const { LOCAL_KEY_FILE } = await import('../lambdas/signing/local-signer');
  for (const name of keyFiles ?? [LOCAL_KEY_FILE]) await checkKeyIsPrivate(join(dir, name));
}

async function checkKeyIsPrivate(file: string): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw cannotWrite(dirname(file), error);
  }
  if (POSIX && (mode & NOT_OWNER_BITS) !== 0) {
    const shown = displayPath(file);
    throw new StartupError(
      `The signing key ${shown} is accessible to other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${shown}, or delete it to create a new key (issued tokens then stop working).`,
    );
  }
}

/**
 * Makes `dir` ready for `npm start`: created 0700 if missing, writable (a
 * probe file), the signing key private, and the database folder private (one
 * left 0755 by an older version is tightened: it holds only this project's
 * files). `lock` takes the folder's lock as well (the embedded database).
 */
export async function prepareDataDir(
  dir: string,
  options: { lock: boolean; keyFiles?: readonly string[] },
): Promise<DataDirLock | undefined> {
  try {
    await makeFolder(dir);
    const probe = join(dir, `.write-probe-${process.pid}`);
    await writeFile(probe, '', { mode: PRIVATE_FILE });
    await unlink(probe);
  } catch (error) {
    throw cannotWrite(dir, error);
  }
  const lock = options.lock ? await lockDataDir(dir) : undefined;
  try {
    await checkKeysArePrivate(dir, options.keyFiles);
    const database = join(dir, DATABASE_FOLDER);
    const mode = await stat(database).then(
      (stats) => stats.mode,
      () => undefined,
    );
    if (POSIX && mode !== undefined && (mode & NOT_OWNER_BITS) !== 0) {
      await chmod(database, PRIVATE_FOLDER);
    }
  } catch (error) {
    await lock?.release();
    throw error instanceof StartupError ? error : cannotWrite(dir, error);
  }
  return lock;
}
