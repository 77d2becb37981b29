/**
 * The data folder of `npm start` (DATA_DIR), made ready before anything is
 * opened in it: created private to its owner (0700), refused when another
 * user owns it or may write to it, proven writable, its signing key checked
 * to be the user's own and private, and locked against a second `npm start`.
 *
 * Why here and first: the embedded database (LevelDB) fails late and
 * obscurely when its folder is unusable or already open elsewhere (a stack
 * trace, "Database is closed", or a hang for a folder under /proc), and a key
 * that other users can read is a key anyone on the machine can sign with.
 * Every failure here is a {@link StartupError} that says what to do.
 */
import type { Stats } from 'node:fs';
import { chmod, link, mkdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { identityOf, isAlive, type ProcessIdentity, parseIdentity } from './process-identity';
import { fileSystemReason, StartupError } from './startup-error';

/**
 * Names the `npm start` that runs the embedded database in this folder: its
 * pid, boot id and start time (local/process-identity.ts) and the folder.
 */
export const LOCK_FILE = 'npm-start.lock';
/** The embedded database's own folder inside DATA_DIR. */
export const DATABASE_FOLDER = 'dynamodb';

/** Group and other permission bits: none may be set on a private file. */
const NOT_OWNER_BITS = 0o077;
/** Group and other write bits: none may be set on the data folder. */
const OTHERS_WRITE_BITS = 0o022;
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

/** What the lock file records: the holder's identity and the folder it locked. */
export interface LockRecord extends ProcessIdentity {
  /** The folder as the holder named it (absolute); absent in a lock of an older version. */
  dataDir?: string;
}

/** The lock file's record; `undefined` when there is none or it holds nothing readable. */
export async function readLock(file: string): Promise<LockRecord | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  // Older versions wrote the bare pid.
  if (/^\d+$/.test(text)) return parseIdentity({ pid: Number(text) });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const identity = parseIdentity(value);
  if (!identity) return undefined;
  const dataDir = (value as { dataDir?: unknown }).dataDir;
  return { ...identity, ...(typeof dataDir === 'string' ? { dataDir } : {}) };
}

/**
 * Whether the lock's holder is a live process that still works on `dir`.
 * Not when it is this very process (a restarted container reusing the pid),
 * a dead pid, a zombie, a pid recycled by an unrelated process (another start
 * time or boot), or a live holder of another folder (the lock file came along
 * with a copy of the folder).
 */
export function holdsFolder(record: LockRecord, dir: string): boolean {
  if (record.pid === process.pid) return false;
  if (record.dataDir !== undefined && record.dataDir !== dir) return false;
  return isAlive(record);
}

/** The lock on a data folder; `release` removes it if it is still this process's. */
export interface DataDirLock {
  file: string;
  release(): Promise<void>;
}

/**
 * Takes the folder's lock for this process. A lock left by a process that no
 * longer holds it (see {@link holdsFolder}: a crash, a `kill -9` of the whole
 * process group, a reboot) is taken over at once; one held by a live
 * `npm start` on this folder is refused.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const file = join(dir, LOCK_FILE);
  const record: LockRecord = { ...(identityOf() ?? { pid: process.pid }), dataDir: dir };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await createExclusive(file, `${JSON.stringify(record)}\n`)) {
      return {
        file,
        async release() {
          const current = await readLock(file).catch(() => undefined);
          if (current?.pid === process.pid && current.startTime === record.startTime) {
            await unlink(file).catch(() => undefined);
          }
        },
      };
    }
    const holder = await readLock(file);
    if (holder !== undefined && holdsFolder(holder, dir)) {
      throw new StartupError(
        `The data folder ${displayPath(dir)} is in use by another npm start (pid ${holder.pid}); stop it, or set DATA_DIR to another folder.`,
      );
    }
    await rm(file, { force: true });
  }
  throw new StartupError(
    `The data folder ${displayPath(dir)} is being locked by another npm start at this moment; stop it, or set DATA_DIR to another folder.`,
  );
}

/** The owner's uid when it is not the current user; `undefined` when it is (or on Windows). */
function foreignOwner(stats: Stats): number | undefined {
  const uid = process.getuid?.();
  return POSIX && uid !== undefined && stats.uid !== uid ? stats.uid : undefined;
}

/**
 * Refuses a folder that another user owns or may write to, as ssh refuses
 * such a key: whoever can write in it can swap the signing key, the database
 * or the lock under the server.
 */
async function checkFolderIsOwn(dir: string, what: string): Promise<void> {
  const stats = await stat(dir);
  const shown = displayPath(dir);
  const owner = foreignOwner(stats);
  if (owner !== undefined) {
    throw new StartupError(
      `The ${what} ${shown} belongs to another user (uid ${owner}); set DATA_DIR to a folder of your own.`,
    );
  }
  if (POSIX && (stats.mode & OTHERS_WRITE_BITS) !== 0) {
    throw new StartupError(
      `The ${what} ${shown} is writable by other users (mode ${(stats.mode & 0o777).toString(8)}); run chmod 700 ${shown}, or set DATA_DIR to a folder of your own.`,
    );
  }
}

/** Refuses a signing key that other users may read or write, as ssh refuses such a private key. */
async function checkKeysArePrivate(dir: string, keyFiles?: readonly string[]): Promise<void> {
  // Loaded here, after the lock: the signer brings in jose, and a refused start should not wait for it.
  const { LOCAL_KEY_FILE } = await import('../lambdas/signing/local-signer');
  const { LOCAL_REFRESH_KEY_FILE } = await import('../lambdas/signing/refresh-token-key');
  for (const name of keyFiles ?? [LOCAL_KEY_FILE]) await checkKeyIsPrivate(join(dir, name));
  const { LOCAL_TOTP_KEY_FILE } = await import('../lambdas/signing/totp-secret-cipher');
  // Whoever holds the refresh-token key can mint a refresh token for any session.
  await checkKeyIsPrivate(join(dir, LOCAL_REFRESH_KEY_FILE), 'refresh-token key');
  // Whoever holds the TOTP key can read every user's TOTP secret.
  await checkKeyIsPrivate(join(dir, LOCAL_TOTP_KEY_FILE), 'TOTP secrets key');
}

async function checkKeyIsPrivate(file: string, what = 'signing key'): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(file);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw cannotWrite(dirname(file), error);
  }
  const { mode } = stats;
  const owner = foreignOwner(stats);
  if (owner !== undefined) {
    throw new StartupError(
      `The ${what} ${displayPath(file)} belongs to another user (uid ${owner}), who could sign tokens with it; delete it to create a new key of your own (issued tokens then stop working).`,
    );
  }
  if (POSIX && (mode & NOT_OWNER_BITS) !== 0) {
    const shown = displayPath(file);
    throw new StartupError(
      `The ${what} ${shown} is accessible to other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${shown}, or delete it to create a new key (issued tokens then stop working).`,
    );
  }
}

/**
 * Makes `dir` ready for `npm start`: created 0700 if missing, owned by the
 * current user and writable by nobody else, writable (a probe file), the signing key private, and the database folder private (one
 * left 0755 by an older version is tightened: it holds only this project's
 * files). `lock` takes the folder's lock as well (the embedded database).
 */
export async function prepareDataDir(
  dir: string,
  options: { lock: boolean; keyFiles?: readonly string[] },
): Promise<DataDirLock | undefined> {
  try {
    await makeFolder(dir);
  } catch (error) {
    throw cannotWrite(dir, error);
  }
  await checkFolderIsOwn(dir, 'data folder');
  try {
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
    const stats = await stat(database).catch(() => undefined);
    const owner = stats && foreignOwner(stats);
    if (owner !== undefined) {
      throw new StartupError(
        `The database folder ${displayPath(database)} belongs to another user (uid ${owner}); set DATA_DIR to a folder of your own.`,
      );
    }
    const mode = stats?.mode;
    if (POSIX && mode !== undefined && (mode & NOT_OWNER_BITS) !== 0) {
      await chmod(database, PRIVATE_FOLDER);
    }
  } catch (error) {
    await lock?.release();
    throw error instanceof StartupError ? error : cannotWrite(dir, error);
  }
  return lock;
}
