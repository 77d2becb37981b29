/**
 * A 32-byte secret key in a file of the local data folder, made on first use
 * (mode 0600 in a 0700 folder, with an exclusive open so that two processes
 * starting at once end up with one key) and read on every later start.
 * Local mode's stand-in for a KMS key: the refresh-token key, the TOTP
 * secrets' key.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from './signer';

const KEY_BYTES = 32;

const hasCode = (error: unknown, code: string) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

async function readKey(file: string): Promise<Uint8Array> {
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a 32-byte key.`);
  return key;
}

/** The key of `keyDir/fileName`, loaded (or made) once per instance. */
export function localKeyFile(keyDir: string, fileName: string): () => Promise<Uint8Array> {
  const file = join(keyDir, fileName);
  return once(async () => {
    try {
      return await readKey(file);
    } catch (error) {
      if (!hasCode(error, 'ENOENT')) throw error;
    }
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    try {
      await writeFile(file, `${key.toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
      return key;
    } catch (error) {
      if (!hasCode(error, 'EEXIST')) throw error;
      return readKey(file);
    }
  });
}
