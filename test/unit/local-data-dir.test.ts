/**
 * The data folder of `npm start` before anything opens it: created private,
 * refused when unwritable (without hanging) or when another user owns it or
 * may write to it, its signing key refused when others may read it or own
 * it, its database folder made private, and its lock taken, refused while a
 * live `npm start` holds it on this folder, and taken over otherwise: a dead
 * holder, a zombie, a recycled pid, another boot, another folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_KEY_FILE } from '../../lambdas/signing/local-signer';
import { LOCAL_REFRESH_KEY_FILE } from '../../lambdas/signing/refresh-token-key';
import {
  DATABASE_FOLDER,
  LOCK_FILE,
  lockDataDir,
  prepareDataDir,
  readLock,
} from '../../local/data-dir';
import { startEmbeddedDynamo } from '../../local/embedded-dynamo';
import { identityOf } from '../../local/process-identity';
import { StartupError } from '../../local/startup-error';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

const scratchDirs: string[] = [];

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jwt-auth-data-dir-'));
  scratchDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * A folder and a file of another user: made and handed to nobody (65534)
 * when the tests run as root, else the system's own (root's).
 */
async function foreignFolder(): Promise<string> {
  if (process.getuid?.() !== 0) return '/';
  const dir = await scratch();
  await chown(dir, 65534, 65534);
  return dir;
}
async function foreignFile(): Promise<string> {
  if (process.getuid?.() !== 0) return '/etc/passwd';
  const file = join(await scratch(), 'theirs.pem');
  await writeFile(file, 'not read', { mode: 0o600 });
  await chown(file, 65534, 65534);
  return file;
}

/** A lock file as a holder with `identity` on `dir` writes it. */
const lockOf = (identity: object, dir: string) =>
  `${JSON.stringify({ ...identity, dataDir: dir })}\n`;

/**
 * A zombie: `sh` starts a child that ends a moment later (after `sh` has
 * become a `sleep`, which never reaps it; a child that ended earlier could
 * be reaped by `sh` itself). Resolves with the zombie's pid once it has exited, and a stopper.
 */
async function zombie(): Promise<{ pid: number; stop(): void }> {
  const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const pid = await new Promise<number>((resolvePid) =>
    parent.stdout.once('data', (chunk: Buffer) => resolvePid(Number(chunk.toString().trim()))),
  );
  const deadline = Date.now() + 10_000;
  // Wait until the child has exited: its stat says Z.
  while (!(await readFile(`/proc/${pid}/stat`, 'utf8')).includes(') Z ')) {
    if (Date.now() > deadline) throw new Error('no zombie');
    await new Promise((wait) => setTimeout(wait, 20));
  }
  return { pid, stop: () => parent.kill('SIGKILL') };
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  if (pid === undefined) throw new Error('could not spawn');
  return pid;
}

describe('prepareDataDir', () => {
  it('creates a missing folder, and its missing parents, private to the owner (0700)', async () => {
    const dir = join(await scratch(), 'a', 'b');

    await prepareDataDir(dir, { lock: false });

    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, '..'))).toBe(0o700);
  });

  it('refuses a folder that cannot be created, at once, naming the folder and the fix', async () => {
    // Node's recursive mkdir never returns for this path.
    await expect(prepareDataDir('/proc/nope', { lock: false })).rejects.toThrow(
      /^Cannot write the data folder \/proc\/nope \(.+\); set DATA_DIR to a folder you can write\.$/,
    );
  });

  it('refuses a path whose parent is a file', async () => {
    const file = join(await scratch(), 'file');
    await writeFile(file, '');

    await expect(prepareDataDir(join(file, 'data'), { lock: false })).rejects.toBeInstanceOf(
      StartupError,
    );
  });

  it('refuses a signing key that other users can read, as ssh does', async () => {
    const dir = await scratch();
    const key = join(dir, LOCAL_KEY_FILE);
    await writeFile(key, 'not read', { mode: 0o644 });
    await chmod(key, 0o644);

    await expect(prepareDataDir(dir, { lock: true })).rejects.toThrow(
      `The signing key ${key} is accessible to other users (mode 644); run chmod 600 ${key}, or delete it to create a new key (issued tokens then stop working).`,
    );
    // Refused before anything else: the lock is not left behind.
    await expect(stat(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a refresh-token key that other users can read, as it does a signing key', async () => {
    const dir = await scratch();
    const key = join(dir, LOCAL_REFRESH_KEY_FILE);
    await writeFile(key, 'not read', { mode: 0o640 });
    await chmod(key, 0o640);

    await expect(prepareDataDir(dir, { lock: false })).rejects.toThrow(
      `The refresh-token key ${key} is accessible to other users (mode 640)`,
    );
  });

  it('refuses a folder that another user owns, in one sentence', async () => {
    const dir = await foreignFolder();

    await expect(prepareDataDir(dir, { lock: false })).rejects.toThrow(
      new RegExp(
        `^The data folder ${dir.replace(/[/.]/g, '\\$&')} belongs to another user \\(uid \\d+\\); set DATA_DIR to a folder of your own\\.$`,
      ),
    );
  });

  it('refuses a folder that others may write to, and leaves its mode alone', async () => {
    const dir = await scratch();
    await chmod(dir, 0o777);

    await expect(prepareDataDir(dir, { lock: true })).rejects.toThrow(
      `The data folder ${dir} is writable by other users (mode 777); run chmod 700 ${dir}, or set DATA_DIR to a folder of your own.`,
    );
    expect(await modeOf(dir)).toBe(0o777);
    await expect(stat(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a signing key that belongs to another user, even one only they can read', async () => {
    const dir = await scratch();
    const key = join(dir, LOCAL_KEY_FILE);
    await symlink(await foreignFile(), key);

    await expect(prepareDataDir(dir, { lock: false })).rejects.toThrow(
      new RegExp(
        `^The signing key ${key.replace(/[/.]/g, '\\$&')} belongs to another user \\(uid \\d+\\), who could sign tokens with it; delete it`,
      ),
    );
  });

  it('accepts a signing key private to the owner (0600)', async () => {
    const dir = await scratch();
    await writeFile(join(dir, LOCAL_KEY_FILE), 'not read', { mode: 0o600 });

    await expect(prepareDataDir(dir, { lock: false })).resolves.toBeUndefined();
  });

  it('makes a database folder left readable by an older version private', async () => {
    const dir = await scratch();
    await mkdir(join(dir, DATABASE_FOLDER));
    await chmod(join(dir, DATABASE_FOLDER), 0o755);

    await prepareDataDir(dir, { lock: false });

    expect(await modeOf(join(dir, DATABASE_FOLDER))).toBe(0o700);
  });
});

describe('lockDataDir', () => {
  it('writes who holds it (pid, boot, start time) and the folder into a private lock file, and removes it on release', async () => {
    const dir = await scratch();

    const lock = await lockDataDir(dir);

    expect(await readLock(lock.file)).toEqual({ ...identityOf(), dataDir: dir });
    expect(identityOf()?.startTime).toEqual(expect.any(Number));
    expect(await modeOf(lock.file)).toBe(0o600);
    await lock.release();
    await expect(stat(lock.file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // The parent of this test process stands for the live holder: running, and not this process.
  it.each([
    ['this version', (dir: string) => lockOf(identityOf(process.ppid) as object, dir)],
    ['an older version (the bare pid)', () => `${process.ppid}\n`],
  ])(
    'refuses a folder locked by a live npm start on it (a lock of %s), naming its pid',
    async (_, content) => {
      const dir = await scratch();
      await writeFile(join(dir, LOCK_FILE), content(dir));

      await expect(lockDataDir(dir)).rejects.toThrow(
        `The data folder ${dir} is in use by another npm start (pid ${process.ppid}); stop it, or set DATA_DIR to another folder.`,
      );
      expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(content(dir));
    },
  );

  it.each([
    ['a process that has ended', (dir: string) => lockOf({ pid: deadPid() }, dir)],
    ['garbage', () => 'not a pid'],
    [
      'this very process (a restarted container reusing the pid)',
      (dir: string) => lockOf({ pid: process.pid, startTime: 1 }, dir),
    ],
    [
      'a pid now used by an unrelated process (another start time)',
      (dir: string) =>
        lockOf(
          {
            ...identityOf(process.ppid),
            startTime: (identityOf(process.ppid)?.startTime ?? 0) + 1,
          },
          dir,
        ),
    ],
    [
      'a process of an earlier boot',
      (dir: string) => lockOf({ ...identityOf(process.ppid), bootId: 'an-earlier-boot' }, dir),
    ],
    [
      'a live npm start on another folder (the lock came with a copy)',
      () => lockOf(identityOf(process.ppid) as object, '/elsewhere'),
    ],
  ])('takes over a lock left by %s', async (_, content) => {
    const dir = await scratch();
    await writeFile(join(dir, LOCK_FILE), content(dir));

    const lock = await lockDataDir(dir);

    expect(await readLock(lock.file)).toMatchObject({ pid: process.pid, dataDir: dir });
  });

  it('takes over a lock left by a zombie (killed, not yet reaped by its parent)', async () => {
    const dead = await zombie();
    try {
      const dir = await scratch();
      await writeFile(join(dir, LOCK_FILE), `${dead.pid}\n`);

      const lock = await lockDataDir(dir);

      expect(await readLock(lock.file)).toMatchObject({ pid: process.pid });
    } finally {
      dead.stop();
    }
  });

  it('does not remove a lock another process has taken since', async () => {
    const dir = await scratch();
    const lock = await lockDataDir(dir);
    await writeFile(lock.file, `${process.ppid}\n`);

    await lock.release();

    expect(await readFile(lock.file, 'utf8')).toBe(`${process.ppid}\n`);
  });
});

describe('startEmbeddedDynamo on a folder', () => {
  it('refuses a database another engine has open, instead of crashing on the first request', async () => {
    const path = join(await scratch(), DATABASE_FOLDER);
    const open = await startEmbeddedDynamo({ path });
    try {
      await expect(startEmbeddedDynamo({ path })).rejects.toThrow(
        `The database ${path} is open in another process; stop it, or set DATA_DIR to another folder.`,
      );
    } finally {
      await open.close();
    }
  });
});
