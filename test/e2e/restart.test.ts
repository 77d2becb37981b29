/**
 * End to end: the server stops cleanly on a signal, and a new one on the same
 * DATA_DIR still refuses revoked tokens and accepts live ones (the revocations
 * and the signing key live on disk), also when started at once after the old
 * one was killed with SIGKILL.
 */
import { freshDataDir, type ServerProcess, startServerProcess } from '../support/server-process';
import { apiClient, expectInvalidToken, type Tokens } from './client';

let running: ServerProcess | undefined;

afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

describe('npm start restart', () => {
  it('still refuses revoked tokens and accepts live ones after a restart on the same DATA_DIR', async () => {
    const dataDir = await freshDataDir();
    running = await startServerProcess({ dataDir });
    let api = apiClient(running.url);
    const user = await api.register();
    const revoked: Tokens = await api.login(user);
    const live: Tokens = await api.login(user);
    expect((await api.call('POST', '/auth/logout', { token: revoked.access_token })).status).toBe(
      204,
    );

    expect(await running.stop('SIGTERM')).toBe(0);
    running = await startServerProcess({ dataDir });
    api = apiClient(running.url);

    expectInvalidToken(await api.me(revoked.access_token));
    expectInvalidToken(await api.refresh(revoked.refresh_token));
    const me = await api.me(live.access_token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user_id: user.userId, username: user.username });
    expect((await api.refresh(live.refresh_token)).status).toBe(200);
  });
});

describe('npm start after a crash', () => {
  it('restarts at once after SIGKILL of its whole process group, with every acknowledged write kept', async () => {
    const dataDir = await freshDataDir();
    running = await startServerProcess({ dataDir, processGroup: true });
    let api = apiClient(running.url);
    const user = await api.register();
    const revoked: Tokens[] = [];

    for (let round = 0; round < 3; round += 1) {
      const tokens = await api.login(user);
      expect((await api.call('POST', '/auth/logout', { token: tokens.access_token })).status).toBe(
        204,
      );
      revoked.push(tokens);

      // As a supervisor restarts a crashed service: no pause, the old processes maybe not yet reaped.
      await running.stop('SIGKILL');
      running = await startServerProcess({ dataDir, processGroup: true });
      api = apiClient(running.url);

      for (const gone of revoked) expectInvalidToken(await api.me(gone.access_token));
      expect((await api.me((await api.login(user)).access_token)).status).toBe(200);
    }
  });
});

describe('npm start shutdown', () => {
  it('exits with code 0 on SIGTERM', async () => {
    running = await startServerProcess();

    const code = await running.stop('SIGTERM');

    expect(code).toBe(0);
  });

  it('exits with code 0 on SIGINT', async () => {
    running = await startServerProcess();

    const code = await running.stop('SIGINT');

    expect(code).toBe(0);
  });
});
