/**
 * End to end over HTTP against `npm start` in a child process: one smoke flow
 * through every session route, and what only the HTTP layer decides (headers
 * on every answer, ids in paths, usernames and passwords as the client sends
 * them). The session rules themselves are tested on the in-memory fakes
 * (test/unit/auth) and on the embedded engine (test/integration/auth-flows);
 * scrypt runs cheaply here for the same reason.
 */
import { ENV } from '../../lambdas/config';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import {
  type ApiClient,
  type ApiResponse,
  apiClient,
  expectInvalidToken,
  type Tokens,
} from './client';

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({ env: { [ENV.passwordHashCost]: '10' } });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.stop();
});

function expectSecurityHeaders(response: ApiResponse): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

describe('a session over HTTP', () => {
  it('logs in, lists, refreshes and logs out; every answer carries nosniff and no-store', async () => {
    const user = await api.register();
    const tokens = await api.login(user);

    const me = await api.me(tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user_id: user.userId, username: user.username });
    expectSecurityHeaders(me);

    const sessions = await api.call('GET', '/auth/sessions', { token: tokens.access_token });
    expect(sessions.status).toBe(200);
    expectSecurityHeaders(sessions);

    const rotated = await api.refresh(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expectSecurityHeaders(rotated);
    const next = rotated.json as Tokens;
    expectInvalidToken(await api.me(tokens.access_token));

    const logout = await api.call('POST', '/auth/logout', { token: next.access_token });
    expect(logout.status).toBe(204);
    expect(logout.text).toBe('');
    expectSecurityHeaders(logout);

    const refused = await api.me(next.access_token);
    expectInvalidToken(refused);
    expectSecurityHeaders(refused);
    expectInvalidToken(await api.refresh(next.refresh_token));
  });

  it('puts nosniff and no-store on the gateway’s own answers too', async () => {
    for (const response of [
      await api.call('GET', '/auth/nowhere'),
      await api.call('GET', '/auth/me'),
      await api.call('POST', '/auth/login', { body: 'not json' }),
    ]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expectSecurityHeaders(response);
    }
  });
});

describe('ids in paths', () => {
  it.each([
    ['1500 characters', 'a'.repeat(1500)],
    ['characters outside base64url', 'AAAAAAAAAAAAAAAAAAAA%2B%2F'],
    ['the wrong length', 'AAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('answers 404 not_found for a session id of %s, never 5xx', async (_, id) => {
    const user = await api.register();
    const tokens = await api.login(user);

    const printedBefore = server.output().length;

    const response = await api.call('DELETE', `/auth/sessions/${id}`, {
      token: tokens.access_token,
    });

    expect(response.status).toBe(404);
    // A client's typo is not an outage: nothing is logged at error level.
    expect(server.output().slice(printedBefore)).not.toMatch(/"level":\s*"error"/i);
    expect(response.json).toEqual({ error: 'not_found', message: expect.any(String) });
    expect((await api.me(tokens.access_token)).status).toBe(200);
  });
});

describe('usernames and passwords as sent', () => {
  it('logs in with the very name register answered, for a name whose NFKC starts with a space (¨bob)', async () => {
    const password = 'a long enough password';
    const registered = await api.call('POST', '/auth/register', {
      body: { username: '\u00a8bob', password },
    });
    expect(registered.status).toBe(201);
    const { username } = registered.json as { username: string };

    for (const name of [username, '\u00a8bob']) {
      const response = await api.call('POST', '/auth/login', {
        body: { username: name, password },
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses a password with an unpaired surrogate, so two of them never log in as each other', async () => {
    const register = await api.call('POST', '/auth/register', {
      body: { username: 'surrogate-user', password: 'password \ud800' },
    });
    expect(register.status).toBe(400);
    expect(register.json).toEqual({ error: 'invalid_request', message: expect.any(String) });

    const login = await api.call('POST', '/auth/login', {
      body: { username: 'surrogate-user', password: 'password \udc00' },
    });
    expect(login.status).toBe(401);
  });

  it('refuses a username with a format character (zero-width space)', async () => {
    const response = await api.call('POST', '/auth/register', {
      body: { username: 'ali\u200bce', password: 'a long enough password' },
    });

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_request' });
  });
});
