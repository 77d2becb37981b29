/**
 * End to end over `npm start`: failed logins lock a username (known or not)
 * from the address they come from, with 429 `too_many_requests` and
 * `Retry-After`; the password route is locked with that pair; sessions
 * already open keep working; the lock ends on its own; and attackers at
 * other addresses never lock the owner out. Several clients are loopback
 * sources bound on purpose (127.0.0.2, 127.0.0.3 …). The threshold comes
 * from the environment (3 here; 5 by default).
 */
import { request } from 'node:http';
import { ENV } from '../../lambdas/config';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { type ApiClient, type ApiResponse, apiClient } from './client';

const THRESHOLD = 3;

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({
    env: { [ENV.passwordHashCost]: '10', [ENV.loginLockoutThreshold]: String(THRESHOLD) },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.stop();
});

const login = (username: string, password: string) =>
  api.call('POST', '/auth/login', { body: { username, password } });

/** A login sent from the loopback source `from`: the server sees that client address. */
function loginFrom(from: string, username: string, password: string): Promise<number> {
  const url = new URL('/auth/login', server.url);
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

function expectLocked(response: ApiResponse): number {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.json).toEqual({ error: 'too_many_requests', message: expect.any(String) });
  const retryAfter = response.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  return Number(retryAfter);
}

describe('login lockout', () => {
  it('locks a name after failed logins with 429 and Retry-After, then lets the right password in', async () => {
    const alice = await api.register();
    const before = await api.login(alice);
    for (let i = 0; i < THRESHOLD; i += 1) {
      expect((await login(alice.username, 'wrong password!')).status).toBe(401);
    }

    const locked = await login(alice.username, alice.password);
    const retryAfter = expectLocked(locked);
    expect(retryAfter).toBe(1);

    // The session opened before the lock is untouched: it refreshes and reaches protected routes.
    const refreshed = await api.refresh(before.refresh_token);
    expect(refreshed.status).toBe(200);
    const { access_token } = refreshed.json as { access_token: string };
    expect((await api.me(access_token)).status).toBe(200);
    // …but the password change, which checks the password, is locked with the name.
    expectLocked(
      await api.call('POST', '/auth/password', {
        token: access_token,
        body: { current_password: alice.password, new_password: 'a brand new passphrase' },
      }),
    );

    await new Promise((wait) => setTimeout(wait, retryAfter * 1000 + 100));
    expect((await login(alice.username, alice.password)).status).toBe(200);
    // The success forgot the count: one more failure is a plain 401 again.
    expect((await login(alice.username, 'wrong password!')).status).toBe(401);
    expect((await login(alice.username, alice.password)).status).toBe(200);
  });

  it('locks an unknown name exactly like a known one', async () => {
    const bob = await api.register();
    const ghost = `ghost-${bob.username}`;
    for (let i = 0; i < THRESHOLD; i += 1) {
      expect((await login(bob.username, 'wrong password!')).status).toBe(401);
      expect((await login(ghost, 'wrong password!')).status).toBe(401);
    }

    const known = await login(bob.username, bob.password);
    const unknown = await login(ghost, bob.password);

    expectLocked(known);
    expectLocked(unknown);
    expect(unknown.text).toBe(known.text);
  });

  it('counts a wrong current password at POST /auth/password toward the lockout', async () => {
    const carol = await api.register();
    const { access_token } = await api.login(carol);
    for (let i = 0; i < THRESHOLD; i += 1) {
      const wrong = await api.call('POST', '/auth/password', {
        token: access_token,
        body: { current_password: 'not my password', new_password: 'a brand new passphrase' },
      });
      expect(wrong.status).toBe(401);
    }

    expectLocked(await login(carol.username, carol.password));
  });

  it('never locks the owner out from attackers at other addresses, polling or not (F1)', async () => {
    const owner = await api.register();
    const attackers = ['127.0.0.2', '127.0.0.4', '127.0.0.5'];
    let ownerIn = 0;
    for (let round = 0; round < 6; round += 1) {
      const guesses = await Promise.all(
        attackers.map((from) => loginFrom(from, owner.username, `wrong guess ${round}`)),
      );
      expect(guesses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
      if ((await loginFrom('127.0.0.3', owner.username, owner.password)) === 200) ownerIn += 1;
    }

    expect(ownerIn).toBe(6);
    // The attackers' own addresses are locked.
    expect(await loginFrom('127.0.0.2', owner.username, owner.password)).toBe(429);
  });
});
