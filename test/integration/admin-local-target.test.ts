/**
 * `--local` without a running server: the CLI opens the data folder itself
 * under `npm start`'s own lock (so neither can open it while the other has
 * it), creates missing tables, and lets go when done; a folder whose lock a
 * running process holds without publishing an endpoint is refused, naming it.
 * (Through a running `npm start`: test/e2e/admin.test.ts.)
 */
import { access, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalTarget } from '../../admin/local-target';
import { AdminError } from '../../admin/target';
import { LOCK_FILE, readLock } from '../../local/data-dir';

async function dataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'jwt-auth-admin-'));
}

describe('openLocalTarget', () => {
  it('opens a folder nobody runs under its lock, and releases it on close', async () => {
    const dir = await dataDir();
    const target = await openLocalTarget(dir, { ...process.env, DYNAMODB_ENDPOINT: '' });
    try {
      expect(target.description).toMatch(/opened by this command/);
      expect(target.operator.actor).toMatch(/.@./);
      // The tables exist (created on first use); the folder's lock names this process.
      await expect(target.deps.users.find('nobody')).resolves.toBeUndefined();
      await expect(readLock(join(dir, LOCK_FILE))).resolves.toMatchObject({ pid: process.pid });
    } finally {
      await target.close();
    }
    await expect(access(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sends as npm start does: to DATA_DIR/outbox, mode 0600, links to the demo page on PORT', async () => {
    const dir = await dataDir();
    const target = await openLocalTarget(dir, {
      ...process.env,
      DYNAMODB_ENDPOINT: '',
      PORT: '3456',
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let printed: unknown[] = [];
    try {
      expect(target.deps.email?.linkBaseUrl).toBe('http://127.0.0.1:3456/');
      await target.deps.mail?.send({
        to: 'a@example.com',
        subject: 'Confirm your e-mail address',
        text: 'x',
        link: 'http://127.0.0.1:3456/?token=t',
      });
      printed = stderr.mock.calls.map(([line]) => line);
    } finally {
      stderr.mockRestore();
      await target.close();
    }
    const files = await readdir(join(dir, 'outbox'));
    expect(files).toHaveLength(1);
    expect((await stat(join(dir, 'outbox', files[0] as string))).mode & 0o777).toBe(0o600);
    expect(printed).toContainEqual(expect.stringContaining('link: http://127.0.0.1:3456/?token=t'));
  });

  it('refuses a folder locked by a running process that published no endpoint, naming it', async () => {
    const dir = await dataDir();
    // The parent process runs and is not this one: an npm start still starting.
    await writeFile(join(dir, LOCK_FILE), `${process.ppid}\n`);
    const opened = openLocalTarget(
      dir,
      { ...process.env, DYNAMODB_ENDPOINT: '' },
      {
        startingServerWaitMs: 300,
      },
    );
    await expect(opened).rejects.toBeInstanceOf(AdminError);
    await expect(opened).rejects.toThrow(`(pid ${process.ppid}), which has not published`);
  });

  it('refuses a data folder that does not exist instead of creating one', async () => {
    const missing = join(await dataDir(), 'typo');
    await expect(
      openLocalTarget(missing, { ...process.env, DYNAMODB_ENDPOINT: '' }),
    ).rejects.toThrow(/No data folder at .*typo: run npm start once/);
  });
});
