/**
 * The client against a fake API behind a fake fetch, on a manual clock:
 * single-flight refresh, one retry on 401, proactive refresh, the end of a
 * session, Retry-After and back-off, and logout racing a refresh.
 */
import {
  ApiError,
  type AuthClientOptions,
  createAuthClient,
  MfaRequiredError,
  memoryStorage,
  NetworkError,
  NotAuthenticatedError,
  SessionEndedError,
} from '../../../client';
import { fakeApi, invalidToken, json, manualClock } from './fake-api';

const BASE = 'https://api.example.test/prod';
const alice = { username: 'alice', password: 'correct horse battery' };

function setup(options: Partial<AuthClientOptions> & { accessTtlSeconds?: number } = {}) {
  const api = fakeApi({ accessTtlSeconds: options.accessTtlSeconds ?? 900 });
  const time = manualClock();
  const storage = options.storage ?? memoryStorage();
  const client = createAuthClient({
    baseUrl: BASE,
    fetch: api.fetch,
    clock: time.clock,
    storage,
    ...options,
  });
  const ended: string[] = [];
  client.on('session-ended', ({ reason }) => ended.push(reason));
  return { api, time, client, storage, ended };
}

describe('single-flight refresh', () => {
  it('shares one refresh among concurrent callers whose token has expired', async () => {
    const { api, time, client } = setup();
    await client.login(alice);
    time.advance(901_000);
    api.expireAccessTokens();

    const results = await Promise.all(Array.from({ length: 20 }, () => client.me()));

    expect(results.every((me) => me.username === 'alice')).toBe(true);
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    expect(api.count('GET', '/auth/me')).toBe(20);
  });

  it('shares one refresh among concurrent 401s, even those answered after it completed', async () => {
    const { api, client } = setup();
    await client.login(alice);
    // The server refuses the token although the client believes it fresh.
    api.expireAccessTokens();

    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => (await client.fetch('/auth/me')).status),
    );

    expect(statuses).toEqual(Array(20).fill(200));
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    // Each request at most twice: the refused try and one retry.
    expect(api.count('GET', '/auth/me')).toBeLessThanOrEqual(40);
  });
});

describe('a 401 invalid_token', () => {
  it('is followed by one refresh and one retry with the new token', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.expireAccessTokens();

    const me = await client.me();

    expect(me.username).toBe('alice');
    const calls = api.requests.filter((r) => r.path === '/auth/me');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.authorization).not.toBe(calls[1]?.authorization);
    expect(api.isLive(calls[1]?.authorization?.slice('Bearer '.length) ?? '')).toBe(true);
  });

  it('is never refreshed twice for one request: a second 401 reaches the caller', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('GET /auth/me', invalidToken, invalidToken, invalidToken);

    const response = await client.fetch('/auth/me');

    expect(response.status).toBe(401);
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    expect(api.count('GET', '/auth/me')).toBe(2);
    await expect(client.isLoggedIn()).resolves.toBe(true);
  });

  it('replays a request body on the retry', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.expireAccessTokens();

    const response = await client.fetch(
      new Request(`${BASE}/things`, {
        method: 'POST',
        body: JSON.stringify({ n: 1 }),
      }),
    );

    expect(response.status).toBe(204);
    const posts = api.requests.filter((r) => r.path === '/things');
    expect(posts.map((r) => r.body)).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('that is invalid_credentials (wrong current password) does not refresh', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('POST /auth/password', () =>
      json(401, { error: 'invalid_credentials', message: 'Wrong password.' }),
    );

    const change = client.changePassword({ currentPassword: 'nope', newPassword: 'x'.repeat(12) });

    await expect(change).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });
});

describe('the e-mail calls', () => {
  it('sets the address with the current password and answers the stored state', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('POST /auth/email', () =>
      json(202, { email: 'alice@example.com', email_verified: false }),
    );

    const state = await client.setEmail({ email: 'alice@EXAMPLE.com', currentPassword: 'pw' });

    expect(state).toEqual({ email: 'alice@example.com', email_verified: false });
    expect(api.requests.find((r) => r.path === '/auth/email')?.body).toEqual({
      email: 'alice@EXAMPLE.com',
      current_password: 'pw',
    });
  });

  it('verifies a token without a session, and rejects a bad one with invalid_grant', async () => {
    const { api, client } = setup();
    api.script(
      'POST /auth/email/verify',
      () => json(204),
      () =>
        json(400, { error: 'invalid_grant', message: 'The token is invalid, used or expired.' }),
    );

    await client.verifyEmail('t'.repeat(43));
    const again = client.verifyEmail('t'.repeat(43));

    await expect(again).rejects.toMatchObject({ status: 400, code: 'invalid_grant' });
    const calls = api.requests.filter((r) => r.path === '/auth/email/verify');
    expect(calls.map((r) => [r.body, r.authorization])).toEqual([
      [{ token: 't'.repeat(43) }, null],
      [{ token: 't'.repeat(43) }, null],
    ]);
  });
});

describe('login with a second factor', () => {
  const mfaRequired = () =>
    json(403, {
      error: 'mfa_required',
      message: 'Send a code with this mfa_token to /auth/mfa/verify.',
      mfa_token: 'mfa1.opaque',
    });

  it('rejects login with a typed MfaRequiredError carrying the mfa_token, and stores nothing', async () => {
    const { api, client } = setup();
    const changes: string[] = [];
    client.on('session-changed', ({ source }) => changes.push(source));
    api.script('POST /auth/login', mfaRequired);

    const error = await client.login(alice).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MfaRequiredError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'mfa_required', mfaToken: 'mfa1.opaque' });
    expect(await client.isLoggedIn()).toBe(false);
    expect(changes).toEqual([]);
    expect(api.count('POST', '/auth/login')).toBe(1);
  });

  it('keeps any other 403 of login a plain ApiError', async () => {
    const { api, client } = setup();
    api.script('POST /auth/login', () => json(403, { error: 'forbidden', message: 'No.' }));

    const error = await client.login(alice).catch((caught: unknown) => caught);

    expect(error).not.toBeInstanceOf(MfaRequiredError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('verifyMfa sends the token and the code without a Bearer, and stores the pair as login does', async () => {
    const { api, client } = setup();
    const changes: string[] = [];
    client.on('session-changed', ({ source }) => changes.push(source));

    const { sessionId } = await client.verifyMfa('mfa1.opaque', '492039');

    expect(sessionId).toBe('session-1');
    expect(await client.isLoggedIn()).toBe(true);
    expect(changes).toEqual(['login']);
    const verify = api.requests.find((r) => r.path === '/auth/mfa/verify');
    expect(verify).toMatchObject({
      body: { mfa_token: 'mfa1.opaque', code: '492039' },
      authorization: null,
    });
    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
  });

  it('verifyMfa: a wrong code (401) or a spent token (400 invalid_grant) stores nothing and is not retried', async () => {
    const { api, client } = setup();
    api.script(
      'POST /auth/mfa/verify',
      () => json(401, { error: 'invalid_credentials', message: 'The code is wrong.' }),
      () => json(400, { error: 'invalid_grant', message: 'Log in again.' }),
      () => json(503, { error: 'unavailable', message: 'Try again.' }),
    );

    await expect(client.verifyMfa('mfa1.opaque', '000000')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    await expect(client.verifyMfa('mfa1.opaque', '111111')).rejects.toMatchObject({
      status: 400,
      code: 'invalid_grant',
    });
    await expect(client.verifyMfa('mfa1.opaque', '222222')).rejects.toMatchObject({
      status: 503,
    });
    expect(api.count('POST', '/auth/mfa/verify')).toBe(3);
    expect(await client.isLoggedIn()).toBe(false);
  });
});

describe('step-up', () => {
  it('sends the code with the Bearer and stores the new pair of the same session', async () => {
    const { api, client } = setup();
    await client.login(alice);
    const before = await client.getAccessToken();
    const changes: string[] = [];
    client.on('session-changed', ({ source }) => changes.push(source));

    await client.stepUp('492039');

    const stepUp = api.requests.find((r) => r.path === '/auth/mfa/step-up');
    expect(stepUp).toMatchObject({ body: { code: '492039' }, authorization: `Bearer ${before}` });
    const after = await client.getAccessToken();
    expect(after).not.toBe(before);
    expect(api.isLive(before)).toBe(false);
    expect(changes).toEqual(['step_up']);
    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });

  it('is the refresh in flight: a caller needing a refresh meanwhile waits for its pair, never refreshing the replaced one', async () => {
    const { api, time, client, ended } = setup();
    await client.login(alice);
    const gate = api.hold('POST /auth/mfa/step-up');

    const steppingUp = client.stepUp('492039');
    for (let turn = 0; turn < 100 && api.count('POST', '/auth/mfa/step-up') === 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(api.count('POST', '/auth/mfa/step-up')).toBe(1);
    // The token is now due: without the step-up in flight, this would refresh the replaced pair.
    time.advance(901_000);
    const me = client.me();
    gate.resolve();

    await steppingUp;
    await expect(me).resolves.toMatchObject({ username: 'alice' });
    expect(api.count('POST', '/auth/refresh')).toBe(0);
    expect(ended).toEqual([]);
  });

  it('a route’s 403 insufficient_user_authentication is passed through without a refresh; after stepUp the request goes through', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('GET /admin/report', () =>
      json(403, {
        error: 'insufficient_user_authentication',
        message: 'This route requires a second factor.',
      }),
    );

    const first = await client.fetch('/admin/report');
    expect(first.status).toBe(403);
    expect(api.count('POST', '/auth/refresh')).toBe(0);

    await client.stepUp('492039');
    expect((await client.fetch('/admin/report')).status).toBe(204);
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });

  it('a wrong code rejects with invalid_credentials, keeps the session, and frees the callers that waited', async () => {
    const { api, client, ended } = setup();
    await client.login(alice);
    const before = await client.getAccessToken();
    api.script('POST /auth/mfa/step-up', () =>
      json(401, {
        error: 'invalid_credentials',
        message: 'The code is wrong or was already used.',
      }),
    );

    await expect(client.stepUp('000000')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect(await client.getAccessToken()).toBe(before);
    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
    expect(api.count('POST', '/auth/mfa/step-up')).toBe(1);
    expect(ended).toEqual([]);
  });
});

describe('the TOTP enrolment calls', () => {
  it('begins with the current password and answers the secret, confirms with a code and answers the recovery codes', async () => {
    const { api, client } = setup();
    await client.login(alice);
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const uri = `otpauth://totp/x:alice?secret=${secret}`;
    api.script('POST /auth/mfa/totp', () => json(200, { secret, otpauth_uri: uri }));
    api.script('POST /auth/mfa/totp/confirm', () =>
      json(200, { recovery_codes: ['AAAA-BBBB-CCCC-DDDD'] }),
    );

    expect(await client.beginTotp({ currentPassword: 'pw' })).toEqual({
      secret,
      otpauth_uri: uri,
    });
    expect(await client.confirmTotp('123456')).toEqual({ recovery_codes: ['AAAA-BBBB-CCCC-DDDD'] });
    const calls = api.requests.filter((r) => r.path.startsWith('/auth/mfa/'));
    expect(
      calls.map((r) => [r.method, r.path, r.body, r.authorization?.startsWith('Bearer ')]),
    ).toEqual([
      ['POST', '/auth/mfa/totp', { current_password: 'pw' }, true],
      ['POST', '/auth/mfa/totp/confirm', { code: '123456' }, true],
    ]);
  });

  it('removes with the password and a code, and never retries the removal (a code works once)', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('DELETE /auth/mfa/totp', () =>
      json(503, { error: 'unavailable', message: 'Try again.' }),
    );

    await expect(
      client.removeTotp({ currentPassword: 'pw', code: '123456' }),
    ).rejects.toMatchObject({
      status: 503,
      code: 'unavailable',
    });
    expect(api.count('DELETE', '/auth/mfa/totp')).toBe(1);

    await client.removeTotp({ currentPassword: 'pw', code: '654321' });
    expect(api.requests.at(-1)?.body).toEqual({ current_password: 'pw', code: '654321' });
  });

  it('rejects a wrong code with the API’s invalid_credentials, without a refresh', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('POST /auth/mfa/totp/confirm', () =>
      json(401, {
        error: 'invalid_credentials',
        message: 'The code is wrong or was already used.',
      }),
    );

    await expect(client.confirmTotp('000000')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });
});

describe("an HTTP API's 403 Forbidden (its Lambda authorizer cannot answer 401)", () => {
  const httpApiForbidden = () => json(403, { message: 'Forbidden' });

  it('is followed by one refresh and one retry with the new token', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('GET /notes', httpApiForbidden);

    const response = await client.fetch('/notes');

    expect(response.status).toBe(204);
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    const calls = api.requests.filter((r) => r.path === '/notes');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.authorization).not.toBe(calls[1]?.authorization);
  });

  it('reaches the caller when the retry is refused too: one refresh, no loop', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('GET /notes', httpApiForbidden, httpApiForbidden, httpApiForbidden);

    const response = await client.fetch('/notes');

    expect(response.status).toBe(403);
    await expect(response.json()).resolves.toEqual({ message: 'Forbidden' });
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    expect(api.count('GET', '/notes')).toBe(2);
    await expect(client.isLoggedIn()).resolves.toBe(true);
  });

  it('ends the session when the refresh is refused', async () => {
    const { api, client, ended } = setup();
    await client.login(alice);
    api.script('GET /notes', httpApiForbidden);
    api.script('POST /auth/refresh', invalidToken);

    await expect(client.fetch('/notes')).rejects.toBeInstanceOf(SessionEndedError);
    expect(ended).toEqual(['refresh_refused']);
  });

  it("that is the REST API's own 403 forbidden (a Deny) does not refresh", async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('GET /notes', () => json(403, { error: 'forbidden', message: 'Forbidden.' }));

    const response = await client.fetch('/notes');

    expect(response.status).toBe(403);
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });

  it('that is 403 insufficient_scope (a route requiring a scope) does not refresh either', async () => {
    const { api, client } = setup();
    await client.login(alice);
    api.script('POST /notes', () =>
      json(403, { error: 'insufficient_scope', message: 'The token lacks a scope.' }),
    );

    const response = await client.fetch('/notes', { method: 'POST' });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });
});

describe('proactive refresh', () => {
  it('refreshes shortly before exp, never earlier', async () => {
    const { api, time, client } = setup();
    await client.login(alice);

    time.advance((900 - 31) * 1000);
    await client.me();
    expect(api.count('POST', '/auth/refresh')).toBe(0);

    time.advance(2000);
    await client.me();
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    // The request went out with the new token: no 401 was needed.
    expect(api.count('GET', '/auth/me')).toBe(2);
  });

  it('refreshes a short-lived token at half its lifetime, not at every request', async () => {
    const { api, time, client } = setup({ accessTtlSeconds: 10 });
    await client.login(alice);

    time.advance(4000);
    await client.me();
    expect(api.count('POST', '/auth/refresh')).toBe(0);
    time.advance(2000);
    await client.me();
    expect(api.count('POST', '/auth/refresh')).toBe(1);
  });

  it('keeps using a still-valid token when the early refresh fails for a while', async () => {
    const { api, time, client } = setup({ retry: { attempts: 2 } });
    await client.login(alice);
    time.advance((900 - 20) * 1000);
    api.script(
      'POST /auth/refresh',
      () => json(503, { error: 'unavailable', message: 'x' }),
      () => json(503, { error: 'unavailable', message: 'x' }),
    );

    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
    await expect(client.isLoggedIn()).resolves.toBe(true);
  });
});

describe('the end of a session', () => {
  it('comes only from a 401 invalid_token on refresh: tokens forgotten, one session-ended', async () => {
    const { api, client, storage, ended } = setup();
    await client.login(alice);
    api.revokeSession();

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.me()));

    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(SessionEndedError) });
    }
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    expect(storage.load()).toBeNull();
    expect(ended).toEqual(['refresh_refused']);

    // No loop: nothing more is sent once the session is over.
    const sent = api.requests.length;
    await expect(client.me()).rejects.toBeInstanceOf(NotAuthenticatedError);
    expect(api.requests.length).toBe(sent);
  });

  it('does not come from 429 or 5xx on refresh, even after the retries run out', async () => {
    const { api, time, client, ended } = setup({ retry: { attempts: 3 } });
    await client.login(alice);
    time.advance(901_000);
    for (const status of [429, 500, 502, 503, 504]) {
      api.script(
        'POST /auth/refresh',
        () => json(status, { error: 'x', message: 'x' }),
        () => json(status, { error: 'x', message: 'x' }),
        () => json(status, { error: 'x', message: 'x' }),
      );
      await expect(client.me()).rejects.toMatchObject({ status });
      await expect(client.isLoggedIn()).resolves.toBe(true);
    }
    expect(ended).toEqual([]);
    // Then the API recovers and the same session carries on.
    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
  });
});

describe('429 and 5xx', () => {
  it('waits for Retry-After before trying a 429 again', async () => {
    const { api, time, client } = setup();
    await client.login(alice);
    api.script('GET /auth/me', () =>
      json(429, { error: 'too_many_requests', message: 'x' }, { 'Retry-After': '3' }),
    );

    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
    expect(time.sleeps).toEqual([3000]);
  });

  it('hands a long Retry-After (locked account) to the caller instead of waiting', async () => {
    const { api, time, client } = setup();
    api.script('POST /auth/login', () =>
      json(429, { error: 'too_many_requests', message: 'Locked.' }, { 'Retry-After': '900' }),
    );

    const error = await client.login(alice).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'too_many_requests', retryAfterSeconds: 900 });
    expect(time.sleeps).toEqual([]);
    expect(api.count('POST', '/auth/login')).toBe(1);
  });

  it('retries 5xx of a refresh with growing back-off until it succeeds', async () => {
    const { api, time, client, ended } = setup();
    await client.login(alice);
    time.advance(901_000);
    api.script(
      'POST /auth/refresh',
      () => json(503, { error: 'unavailable', message: 'x' }),
      () => json(502, { message: 'Internal server error' }),
      () => json(500, { error: 'internal_error', message: 'x' }),
    );

    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
    expect(api.count('POST', '/auth/refresh')).toBe(4);
    // Equal jitter at random() = 0.5: 3/4 of 250, 500, 1000 ms.
    expect(time.sleeps).toEqual([187.5, 375, 750]);
    expect(ended).toEqual([]);
  });

  it('does not repeat a login after a 5xx or a network failure (it may have happened)', async () => {
    const { api, client } = setup();
    api.script('POST /auth/login', () => json(500, { error: 'internal_error', message: 'x' }));
    await expect(client.login(alice)).rejects.toMatchObject({ code: 'internal_error' });
    expect(api.count('POST', '/auth/login')).toBe(1);

    const offline = createAuthClient({
      baseUrl: BASE,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
      clock: manualClock().clock,
    });
    await expect(offline.login(alice)).rejects.toBeInstanceOf(NetworkError);
  });

  it('retries a GET after a network failure', async () => {
    const api = fakeApi();
    const time = manualClock();
    let failures = 0;
    const client = createAuthClient({
      baseUrl: BASE,
      fetch: async (request) => {
        if (failures > 0) {
          failures -= 1;
          throw new TypeError('fetch failed');
        }
        return api.fetch(request);
      },
      clock: time.clock,
    });
    await client.login(alice);
    failures = 2;

    await expect(client.me()).resolves.toMatchObject({ username: 'alice' });
    expect(time.sleeps).toHaveLength(2);
  });
});

describe('logout', () => {
  it('waits for a refresh in flight and revokes its result, which is never stored', async () => {
    const { api, time, client, storage } = setup();
    await client.login(alice);
    time.advance(901_000);
    const gate = api.holdRefresh();

    const request = client.me().catch((error: unknown) => error);
    while (api.count('POST', '/auth/refresh') === 0) await new Promise(setImmediate);
    const logout = client.logout();
    gate.resolve();
    await logout;

    const logoutCall = api.requests.find((r) => r.path === '/auth/logout');
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    // The tokens revoked are the successors the refresh obtained (the second pair issued).
    expect(claimsOf(logoutCall?.authorization?.slice('Bearer '.length))).toMatchObject({ n: 2 });
    expect(claimsOf((logoutCall?.body as { refresh_token?: string })?.refresh_token)).toMatchObject(
      {
        n: 2,
      },
    );
    expect(storage.load()).toBeNull();
    await request;
    expect(storage.load()).toBeNull();
  });

  it('started while a refresh is about to begin leaves nothing stored', async () => {
    const { api, time, client, storage } = setup();
    await client.login(alice);
    time.advance(901_000);

    const request = client.me().catch((error: unknown) => error);
    await client.logout();

    const outcome = await request;
    expect(outcome).toBeInstanceOf(SessionEndedError);
    expect(storage.load()).toBeNull();
    expect(api.count('POST', '/auth/refresh')).toBe(0);
  });

  it('forgets the tokens even when the API cannot be reached, and says so', async () => {
    const { api, client, storage, ended } = setup({ retry: { attempts: 1 } });
    await client.login(alice);
    api.script('POST /auth/logout', () => json(503, { error: 'unavailable', message: 'x' }));

    await expect(client.logout()).rejects.toMatchObject({ status: 503 });
    expect(storage.load()).toBeNull();
    expect(ended).toEqual(['logout']);
  });

  it('sends both tokens', async () => {
    const { api, client } = setup();
    const tokens = await client.login(alice).then(() => api.requests.length);
    await client.logout();
    const call = api.requests[tokens];
    expect(call).toMatchObject({
      path: '/auth/logout',
      authorization: expect.stringMatching(/^Bearer /),
    });
    expect(call?.body).toEqual({ refresh_token: expect.any(String) });
  });
});

describe('sessions', () => {
  it('reads the unpaginated body as one last page', async () => {
    const { api, client } = setup();
    await client.login(alice);
    await expect(client.sessions()).resolves.toEqual({ sessions: [], next: null });
    expect(api.requests.at(-1)?.search).toBe('');
  });

  it('follows next to the end, passing limit and next as query parameters', async () => {
    const { api, client } = setup();
    await client.login(alice);
    const session = (id: string) => ({
      session_id: id,
      created_at: 'c',
      expires_at: 'e',
      current: id === 'a',
    });
    api.script(
      'GET /auth/sessions',
      () => json(200, { sessions: [session('a')], next: 'cursor 1' }),
      () => json(200, { sessions: [session('b')], next: null }),
    );

    const all = await client.allSessions();

    expect(all.map((s) => s.session_id)).toEqual(['a', 'b']);
    const searches = api.requests.filter((r) => r.path === '/auth/sessions').map((r) => r.search);
    expect(searches).toEqual(['', '?next=cursor+1']);

    await client.sessions({ limit: 10, next: 'x' });
    expect(api.requests.at(-1)?.search).toBe('?limit=10&next=x');
  });

  it('revoking the current session logs this client out', async () => {
    const { client, storage, ended } = setup();
    const { sessionId } = await client.login(alice);
    expect(sessionId).toBe('session-1');

    await client.revokeSession('session-1');

    expect(storage.load()).toBeNull();
    expect(ended).toEqual(['logout']);
  });
});

describe('fetch', () => {
  it('resolves relative URLs against baseUrl and sends the token', async () => {
    const { api, client } = setup();
    await client.login(alice);
    await client.fetch('orders?x=1');
    expect(api.requests.at(-1)).toMatchObject({
      path: '/orders',
      search: '?x=1',
      authorization: expect.stringMatching(/^Bearer ey/),
    });
  });

  it('refuses to send the token to another origin unless allowed', async () => {
    const { api, client } = setup();
    await client.login(alice);
    const sent = api.requests.length;
    await expect(client.fetch('https://evil.example/steal')).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(api.requests.length).toBe(sent);

    const { client: allowing } = setup({ tokenOrigins: ['https://orders.example'] });
    await allowing.login(alice);
    await expect(allowing.fetch('https://orders.example/x')).resolves.toBeDefined();
  });

  it('without a session rejects with NotAuthenticatedError and sends nothing', async () => {
    const { api, client } = setup();
    await expect(client.fetch('/auth/me')).rejects.toBeInstanceOf(NotAuthenticatedError);
    expect(api.requests).toHaveLength(0);
  });
});

function claimsOf(token: string | undefined): unknown {
  return JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString());
}

describe('forgot password and reset', () => {
  it('asks for a reset by username or by address without a session, and resolves alike', async () => {
    const { api, client } = setup();
    const accepted = () =>
      json(202, {
        message:
          'If the account has a verified e-mail address, a link to reset its password was sent to it.',
      });
    api.script('POST /auth/password/forgot', accepted, accepted);

    await expect(client.forgotPassword({ username: 'alice' })).resolves.toBeUndefined();
    await expect(client.forgotPassword({ email: 'alice@example.com' })).resolves.toBeUndefined();

    const calls = api.requests.filter((r) => r.path === '/auth/password/forgot');
    expect(calls.map((r) => [r.body, r.authorization])).toEqual([
      [{ username: 'alice' }, null],
      [{ email: 'alice@example.com' }, null],
    ]);
  });

  it('resets with the token once, and rejects the same token again with invalid_grant', async () => {
    const { api, client } = setup();
    api.script(
      'POST /auth/password/reset',
      () => json(204),
      () =>
        json(400, { error: 'invalid_grant', message: 'The token is invalid, used or expired.' }),
    );
    const reset = { token: 't'.repeat(43), newPassword: 'a brand new passphrase' };

    await client.resetPassword(reset);
    const again = client.resetPassword(reset);

    await expect(again).rejects.toMatchObject({ status: 400, code: 'invalid_grant' });
    const calls = api.requests.filter((r) => r.path === '/auth/password/reset');
    expect(calls.map((r) => [r.body, r.authorization])).toEqual([
      [{ token: 't'.repeat(43), new_password: 'a brand new passphrase' }, null],
      [{ token: 't'.repeat(43), new_password: 'a brand new passphrase' }, null],
    ]);
  });
});
