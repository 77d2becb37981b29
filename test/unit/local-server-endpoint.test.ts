/**
 * The file through which a running `npm start` lets the admin CLI reach its
 * database: written private and whole, read only while its process runs,
 * removed by its own process only.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityOf } from '../../local/process-identity';
import {
  ENDPOINT_FILE,
  publishServerEndpoint,
  readServerEndpoint,
} from '../../local/server-endpoint';
import { LOCAL_TABLE_NAMES } from '../../local/tables';

const ENDPOINT = { endpoint: 'http://127.0.0.1:45678', tables: LOCAL_TABLE_NAMES };

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'jwt-auth-endpoint-'));
}

describe('the npm start endpoint file', () => {
  it('is published 0600 with this process (pid, boot, start time), read back, and removed by its remover', async () => {
    const dir = await folder();
    const remove = await publishServerEndpoint(dir, ENDPOINT);
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, ENDPOINT_FILE))).mode & 0o777).toBe(0o600);
    }
    await expect(readServerEndpoint(dir)).resolves.toEqual({ ...identityOf(), ...ENDPOINT });
    await remove();
    await expect(readServerEndpoint(dir)).resolves.toBeUndefined();
  });

  it('is ignored when its process no longer runs, or when it is not one', async () => {
    const dir = await folder();
    // A pid far above any pid_max: no such process.
    await writeFile(join(dir, ENDPOINT_FILE), JSON.stringify({ pid: 2 ** 30, ...ENDPOINT }));
    await expect(readServerEndpoint(dir)).resolves.toBeUndefined();
    await writeFile(join(dir, ENDPOINT_FILE), '{"pid":');
    await expect(readServerEndpoint(dir)).resolves.toBeUndefined();
    // The parent of this test runs, but is not the process that wrote it (another start time).
    const parent = identityOf(process.ppid);
    await writeFile(
      join(dir, ENDPOINT_FILE),
      JSON.stringify({ ...parent, startTime: (parent?.startTime ?? 0) + 1, ...ENDPOINT }),
    );
    await expect(readServerEndpoint(dir)).resolves.toBeUndefined();
    await writeFile(join(dir, ENDPOINT_FILE), JSON.stringify({ pid: process.pid }));
    await expect(readServerEndpoint(dir)).resolves.toBeUndefined();
  });

  it('is left alone by a remover once another process published its own', async () => {
    const dir = await folder();
    const remove = await publishServerEndpoint(dir, ENDPOINT);
    const theirs = JSON.stringify({ pid: process.ppid, ...ENDPOINT });
    await writeFile(join(dir, ENDPOINT_FILE), theirs);
    await remove();
    await expect(readFile(join(dir, ENDPOINT_FILE), 'utf8')).resolves.toBe(theirs);
  });
});
