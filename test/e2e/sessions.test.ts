/**
 * End to end over HTTP against `npm start` in a child process: logout,
 * logout-all and refresh rotation really end sessions.
 */
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { type ApiClient, apiClient, expectInvalidToken } from './client';

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess();
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.stop();
});

describe('logout', () => {
  it('returns 401 for the access and refresh tokens of a session after logout', async () => {
    const user = await api.register();
    const tokens = await api.login(user);
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_expires_in: expect.any(Number),
    });

    const before = await api.me(tokens.access_token);
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({
      user_id: user.userId,
      username: user.username,
      session_id: expect.any(String),
      expires_at: expect.anything(),
    });

    const logout = await api.call('POST', '/auth/logout', { token: tokens.access_token });
    expect(logout.status).toBe(204);
    expect(logout.text).toBe('');

    expectInvalidToken(await api.me(tokens.access_token));
    expectInvalidToken(await api.refresh(tokens.refresh_token));
  });
});

describe('logout-all', () => {
  it('refuses every session of the user and leaves other users signed in', async () => {
    const alice = await api.register();
    const bob = await api.register();
    const laptop = await api.login(alice);
    const phone = await api.login(alice);
    const bobSession = await api.login(bob);

    const response = await api.call('POST', '/auth/logout-all', { token: laptop.access_token });
    expect(response.status).toBe(204);

    for (const session of [laptop, phone]) {
      expectInvalidToken(await api.me(session.access_token));
      expectInvalidToken(await api.refresh(session.refresh_token));
    }
    const stillBob = await api.me(bobSession.access_token);
    expect(stillBob.status).toBe(200);
    expect(stillBob.json).toMatchObject({ username: bob.username });
  });
});

describe('refresh rotation', () => {
  it('refuses a refresh token rotated twice, and its reuse ends the new tokens too', async () => {
    const user = await api.register();
    const first = await api.login(user);

    const rotated = await api.refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const between = rotated.json as typeof first;
    expect(between.refresh_token).not.toBe(first.refresh_token);
    expectInvalidToken(await api.me(first.access_token));
    const second = (await api.refresh(between.refresh_token)).json as typeof first;
    expect((await api.me(second.access_token)).status).toBe(200);

    expectInvalidToken(await api.refresh(first.refresh_token));

    expectInvalidToken(await api.me(second.access_token));
    expectInvalidToken(await api.refresh(second.refresh_token));
  });
});
