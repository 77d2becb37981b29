/**
 * End to end over `npm start`: a signing key rotation with two local keys
 * (LOCAL_SIGNING_KEYS, the signing one first), restarting on the same data
 * folder at each step as a deployment would: the new key is published, then
 * signs while the old one is still trusted, then the old one is dropped and
 * every access token it signed is refused. Refresh tokens are opaque, signed
 * by no signing key: their sessions go on, under the new key.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  freshDataDir,
  runFailingStart,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process';
import { type ApiClient, apiClient, expectInvalidToken, type Tokens } from './client';

let running: ServerProcess | undefined;

afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

const kidOf = (token: string): unknown =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).kid;

async function jwksKids(api: ApiClient): Promise<unknown[]> {
  const response = await api.call('GET', '/.well-known/jwks.json');
  expect(response.status).toBe(200);
  return (response.json as { keys: { kid: unknown }[] }).keys.map((key) => key.kid);
}

/** (Re)starts `npm start` on `dataDir` with these key files, or the default key when none. */
async function restart(dataDir: string, keyFiles?: string): Promise<ApiClient> {
  await running?.stop('SIGTERM');
  running = await startServerProcess({
    dataDir,
    env: keyFiles ? { LOCAL_SIGNING_KEYS: keyFiles } : {},
  });
  return apiClient(running.url);
}

describe('signing key rotation in local mode', () => {
  it('publishes, switches to and then drops a key without logging anyone out early', async () => {
    const dataDir = await freshDataDir();

    // Before: the default key (signing-key.pem) alone.
    let api = await restart(dataDir);
    const user = await api.register();
    const a1: Tokens = await api.login(user);
    const a2: Tokens = await api.login(user);
    const kidA = kidOf(a1.access_token);
    expect(await jwksKids(api)).toEqual([kidA]);

    // Step 1: key B published, A still signs.
    api = await restart(dataDir, 'signing-key.pem,key-b.pem');
    const kids = await jwksKids(api);
    expect(kids).toHaveLength(2);
    expect(kids[0]).toBe(kidA);
    const kidB = kids[1];
    expect(kidB).not.toBe(kidA);
    expect(kidOf((await api.login(user)).access_token)).toBe(kidA);
    expect((await stat(join(dataDir, 'key-b.pem'))).mode & 0o077).toBe(0);

    // Step 2: B signs, A still trusted: A's tokens keep working.
    api = await restart(dataDir, 'key-b.pem,signing-key.pem');
    expect(await jwksKids(api)).toEqual([kidB, kidA]);
    expect((await api.me(a1.access_token)).status).toBe(200);
    const refreshed = await api.refresh(a1.refresh_token);
    expect(refreshed.status).toBe(200);
    const b1 = refreshed.json as Tokens;
    expect(kidOf(b1.access_token)).toBe(kidB);
    expect(b1.refresh_token).toMatch(/^rt1\./);
    const b2: Tokens = await api.login(user);
    expect(kidOf(b2.access_token)).toBe(kidB);
    expect((await api.me(b2.access_token)).status).toBe(200);

    // Step 3: A dropped: every access token A signed is refused, B's work; a
    // session whose access token A signed goes on with a pair signed by B.
    api = await restart(dataDir, 'key-b.pem');
    expect(await jwksKids(api)).toEqual([kidB]);
    expectInvalidToken(await api.me(a2.access_token));
    const continued = await api.refresh(a2.refresh_token);
    expect(continued.status).toBe(200);
    expect(kidOf((continued.json as Tokens).access_token)).toBe(kidB);
    expect((await api.me(b1.access_token)).status).toBe(200);
    expect((await api.me(b2.access_token)).status).toBe(200);
    expect((await api.refresh(b2.refresh_token)).status).toBe(200);
  });

  it('refuses to start on a key file name outside DATA_DIR', async () => {
    const failed = await runFailingStart({ env: { LOCAL_SIGNING_KEYS: '../key.pem' } });

    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('LOCAL_SIGNING_KEYS must list key file names in DATA_DIR');
  });
});
