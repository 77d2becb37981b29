/** The local refresh-token key: one 32-byte key per data folder, readable by its owner only. */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LOCAL_REFRESH_KEY_FILE,
  localRefreshTokenKey,
} from '../../lambdas/signing/refresh-token-key';

async function freshDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'jwt-auth-refresh-key-')), 'keys');
}

describe('local refresh-token key', () => {
  it('is created once, 32 bytes, mode 0600, and read again on a later start', async () => {
    const dir = await freshDir();

    const first = await localRefreshTokenKey(dir)();
    const again = await localRefreshTokenKey(dir)();

    expect(first).toHaveLength(32);
    expect(Buffer.from(again)).toEqual(Buffer.from(first));
    expect((await stat(join(dir, LOCAL_REFRESH_KEY_FILE))).mode & 0o777).toBe(0o600);
  });

  it('ends as one key when several instances start at once', async () => {
    const dir = await freshDir();

    const keys = await Promise.all([1, 2, 3].map(() => localRefreshTokenKey(dir)()));

    expect(new Set(keys.map((key) => Buffer.from(key).toString('hex'))).size).toBe(1);
  });

  it('refuses a file that holds no 32-byte key, instead of replacing it', async () => {
    const dir = await freshDir();
    await localRefreshTokenKey(dir)();
    await writeFile(join(dir, LOCAL_REFRESH_KEY_FILE), 'short\n');

    await expect(localRefreshTokenKey(dir)()).rejects.toThrow(/32-byte key/);
  });
});
