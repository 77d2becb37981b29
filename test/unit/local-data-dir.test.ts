/**
 * The data folder of `npm start` before anything opens it: created private,
 * refused when unwritable (without hanging), its signing key refused when
 * others may read it, its database folder made private, and its lock taken,
 * refused while another live process holds it, and taken over when stale.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_KEY_FILE } from '../../lambdas/signing/local-signer';
import { DATABASE_FOLDER, LOCK_FILE, lockDataDir, prepareDataDir } from '../../local/data-dir';
import { startEmbeddedDynamo } from '../../local/embedded-dynamo';
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
  it('writes this process id into a private lock file, and removes it on release', async () => {
    const dir = await scratch();

    const lock = await lockDataDir(dir);

    expect(await readFile(lock.file, 'utf8')).toBe(`${process.pid}\n`);
    expect(await modeOf(lock.file)).toBe(0o600);
    await lock.release();
    await expect(stat(lock.file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a folder locked by a running process, naming its pid', async () => {
    const dir = await scratch();
    // The parent of this test process: running, and not this process.
    await writeFile(join(dir, LOCK_FILE), `${process.ppid}\n`);

    await expect(lockDataDir(dir)).rejects.toThrow(
      `The data folder ${dir} is in use by another npm start (pid ${process.ppid}); stop it, or set DATA_DIR to another folder.`,
    );
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it.each([
    ['a process that has ended', () => `${deadPid()}\n`],
    ['garbage', () => 'not a pid'],
    ['this very process (a restarted container reusing the pid)', () => `${process.pid}\n`],
  ])('takes over a lock left by %s', async (_, content) => {
    const dir = await scratch();
    await writeFile(join(dir, LOCK_FILE), content());

    const lock = await lockDataDir(dir);

    expect(await readFile(lock.file, 'utf8')).toBe(`${process.pid}\n`);
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
