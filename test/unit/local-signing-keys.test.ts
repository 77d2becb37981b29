import { copyFile, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ENV, loadConfig } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';
import { createRuntime } from '../../lambdas/runtime';
import { createLocalSigner, LOCAL_KEY_FILE } from '../../lambdas/signing/local-signer';
import { readLocalConfig } from '../../local/config';
import { localKeySetEnvironment } from '../../local/signing-keys';
import { StartupError } from '../../local/startup-error';

const TABLES = tableEnvironment();

describe('LOCAL_SIGNING_KEYS', () => {
  it('is unset by default: no key set, the single signing-key.pem', () => {
    expect(readLocalConfig({}, '/work')).not.toHaveProperty('signingKeyFiles');
  });

  it('lists key files in DATA_DIR, the signing one first', () => {
    expect(
      readLocalConfig({ LOCAL_SIGNING_KEYS: ' key-b.pem , signing-key.pem' }, '/work')
        .signingKeyFiles,
    ).toEqual(['key-b.pem', 'signing-key.pem']);
  });

  it.each([
    ['a path', '../key.pem', /key file names in DATA_DIR/],
    ['a sub-folder', 'keys/b.pem', /key file names in DATA_DIR/],
    ['no .pem extension', 'key-b', /key file names in DATA_DIR/],
    ['an empty name', 'key-b.pem,', /key file names in DATA_DIR/],
    ['a file twice', 'a.pem,a.pem', /twice/],
    ['four keys', 'a.pem,b.pem,c.pem,d.pem', /at most 3/],
  ])('refuses %s', (_, value, message) => {
    const read = () => readLocalConfig({ LOCAL_SIGNING_KEYS: value }, '/work');
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });
});

describe('localKeySetEnvironment', () => {
  it('creates missing keys (0600) and hands over every public key and the signing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jwt-keys-'));
    const old = await createLocalSigner(dir).publicKey();

    const env = await localKeySetEnvironment(dir, ['key-b.pem', LOCAL_KEY_FILE]);

    expect((await stat(join(dir, 'key-b.pem'))).mode & 0o777).toBe(0o600);
    const fresh = await createLocalSigner(dir, 'key-b.pem').publicKey();
    expect(JSON.parse(env[ENV.publicKeys] ?? '')).toEqual([fresh, old]);
    expect(env[ENV.currentKid]).toBe(fresh.kid);
    expect(env[ENV.localKeyFile]).toBe('key-b.pem');
    // The handlers read it as they read the stack's key set.
    const config = loadConfig({ ...TABLES, [ENV.localKeyDir]: dir, ...env });
    expect(config.keySet).toEqual({ keys: [fresh, old], current: fresh });
    expect(config.signing).toEqual({ kind: 'local', keyDir: dir, keyFile: 'key-b.pem' });
  });

  it('refuses two files holding the same key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jwt-keys-'));
    await createLocalSigner(dir).publicKey();
    await copyFile(join(dir, LOCAL_KEY_FILE), join(dir, 'copy.pem'));

    await expect(localKeySetEnvironment(dir, [LOCAL_KEY_FILE, 'copy.pem'])).rejects.toThrow(
      StartupError,
    );
  });

  it('makes the handlers sign with the first key and accept tokens of every listed key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jwt-keys-'));
    const withSet = (files: string[]) =>
      localKeySetEnvironment(dir, files).then((env) =>
        createRuntime({ ...TABLES, [ENV.localKeyDir]: dir, ...env }),
      );
    const subject = {
      sub: 'user1',
      sid: 'session1',
      username: 'alice',
      sessionExpiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    const kidOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
    const a = await createLocalSigner(dir, 'a.pem').publicKey();
    const b = await createLocalSigner(dir, 'b.pem').publicKey();

    const before = await (await withSet(['a.pem'])).issuer().issuePair(subject);
    const rotating = await withSet(['b.pem', 'a.pem']);
    const after = await rotating.issuer().issuePair(subject);

    expect(kidOf(before.access.token)).toBe(a.kid);
    expect(kidOf(after.access.token)).toBe(b.kid);
    expect(await rotating.keySet().publicKeys()).toEqual([b, a]);
    await expect(rotating.verifier().verify(before.access.token, 'access')).resolves.toMatchObject({
      sub: 'user1',
    });
    await expect(rotating.verifier().verify(after.refresh.token, 'refresh')).resolves.toMatchObject(
      { sid: 'session1' },
    );
    const dropped = await withSet(['b.pem']);
    await expect(dropped.verifier().verify(before.access.token, 'access')).rejects.toMatchObject({
      reason: 'unknown_key',
    });
    await expect(dropped.verifier().verify(after.access.token, 'access')).resolves.toBeDefined();
  });
});
