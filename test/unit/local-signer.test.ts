import { verify } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK } from 'jose';
import { createLocalSigner, LOCAL_KEY_FILE } from '../../lambdas/signing/local-signer';

async function freshDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'jwt-auth-local-signer-')), 'keys');
}

describe('local signer', () => {
  it('creates the key pair once, readable by its owner only', async () => {
    const dir = await freshDir();

    await createLocalSigner(dir).publicKey();

    const file = await stat(join(dir, LOCAL_KEY_FILE));
    expect(file.mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readFile(join(dir, LOCAL_KEY_FILE), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('reuses the stored key on a later start', async () => {
    const dir = await freshDir();
    const first = await createLocalSigner(dir).publicKey();

    const second = await createLocalSigner(dir).publicKey();

    expect(second).toEqual(first);
  });

  it('ends with one key when two instances start at once', async () => {
    const dir = await freshDir();

    const keys = await Promise.all([1, 2, 3].map(() => createLocalSigner(dir).publicKey()));

    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
  });

  it('signs in raw r‖s form that verifies with the public key', async () => {
    const signer = createLocalSigner(await freshDir());
    const input = Buffer.from('header.payload');

    const signature = await signer.sign(input);

    const publicKey = await importJWK(await signer.publicKey(), 'ES256');
    expect(signature).toHaveLength(64);
    expect(
      verify('sha256', input, { key: publicKey as never, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
  });
});
