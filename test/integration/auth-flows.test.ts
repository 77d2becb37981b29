/**
 * The whole API in process against the embedded DynamoDB (dynalite): handler
 * modules wired from environment variables as in AWS, the TOKEN authorizer in
 * front of protected routes (the emulated API Gateway). One test per rule of
 * "Sessions and revocation" in docs/design.md. scrypt runs at N=2^10 here for speed
 * (PASSWORD_SCRYPT_LOG2_N); the production cost is tested in passwords.test.
 */
import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../lambdas/config';
import type { TokensBody } from '../../lambdas/contract/bodies';
import { createDocumentClient } from '../../lambdas/store/dynamo';
import { CLOCK_TOLERANCE_SECONDS } from '../../lambdas/tokens/claims';
import { LOCAL_TABLE_NAMES } from '../../local/tables';
import { claimsOfToken } from '../support/keys';
import { type LocalApi, type LocalApiResponse, startLocalApi } from '../support/local-api';

let api: LocalApi;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  api = await startLocalApi({ [ENV.passwordHashCost]: '10' });
  documents = createDocumentClient({ endpoint: api.endpoint });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  documents?.destroy();
  await api?.close();
});

const USER_AGENT = 'integration-suite/1.0';

async function registerUser() {
  const username = `user-${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const response = await api.request('POST', '/auth/register', { body: { username, password } });
  expect(response.status).toBe(201);
  return { username, password, userId: (response.json as { user_id: string }).user_id };
}

async function login(user: { username: string; password: string }): Promise<TokensBody> {
  const response = await api.request('POST', '/auth/login', {
    body: { username: user.username, password: user.password },
    headers: { 'User-Agent': USER_AGENT },
  });
  expect(response.status).toBe(200);
  return response.json as TokensBody;
}

const me = (token: string) => api.request('GET', '/auth/me', { token });
const refresh = (token: string) =>
  api.request('POST', '/auth/refresh', {
    body: { refresh_token: token },
    headers: { 'User-Agent': USER_AGENT },
  });

function expectInvalidToken(response: LocalApiResponse): void {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.json).toEqual({ error: 'invalid_token', message: expect.any(String) });
}

const claimsOf = claimsOfToken;

async function revocationOf(token: string) {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: LOCAL_TABLE_NAMES.revokedTokens,
      Key: { jti: claimsOf(token).jti },
      ConsistentRead: true,
    }),
  );
  return Item;
}

describe('logout', () => {
  it('refuses the access token at the authorizer and the refresh token at refresh', async () => {
    const tokens = await login(await registerUser());
    expect((await me(tokens.access_token)).status).toBe(200);

    const response = await api.request('POST', '/auth/logout', { token: tokens.access_token });

    expect(response.status).toBe(204);
    expectInvalidToken(await me(tokens.access_token));
    expectInvalidToken(await refresh(tokens.refresh_token));
  });

  it('answers 204 again for a session already logged out, with the refresh token alone', async () => {
    const tokens = await login(await registerUser());
    const body = { refresh_token: tokens.refresh_token };

    expect((await api.request('POST', '/auth/logout', { body })).status).toBe(204);
    expect((await api.request('POST', '/auth/logout', { body })).status).toBe(204);
    expectInvalidToken(await me(tokens.access_token));
  });
});

describe('refresh rotation', () => {
  it('refuses a refresh token rotated twice, and its reuse kills the new tokens too', async () => {
    const first = await login(await registerUser());

    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const between = rotated.json as TokensBody;
    expect(claimsOf(between.refresh_token).exp).toBe(claimsOf(first.refresh_token).exp);
    expectInvalidToken(await me(first.access_token));
    const second = (await refresh(between.refresh_token)).json as TokensBody;
    expect((await me(second.access_token)).status).toBe(200);

    expectInvalidToken(await refresh(first.refresh_token));

    expectInvalidToken(await me(second.access_token));
    expectInvalidToken(await refresh(second.refresh_token));
    expect(await revocationOf(second.refresh_token)).toMatchObject({ reason: 'reuse_detected' });
  });

  it('gives concurrent refreshes with the same token one successor pair, and keeps the session', async () => {
    const tokens = await login(await registerUser());

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => refresh(tokens.refresh_token)),
    );

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const pairs = responses.map((response) => response.json as TokensBody);
    const identities = new Set(
      pairs.map((pair) => `${claimsOf(pair.access_token).jti}/${claimsOf(pair.refresh_token).jti}`),
    );
    expect(identities.size).toBe(1);
    for (const pair of pairs) expect((await me(pair.access_token)).status).toBe(200);
    expect((await refresh(pairs[0]?.refresh_token ?? '')).status).toBe(200);
  });

  it('answers a retry of a refresh within the grace window with the same pair', async () => {
    const tokens = await login(await registerUser());

    const first = (await refresh(tokens.refresh_token)).json as TokensBody;
    const retry = await refresh(tokens.refresh_token);

    expect(retry.status).toBe(200);
    const again = retry.json as TokensBody;
    expect(claimsOf(again.access_token)).toEqual(claimsOf(first.access_token));
    expect(claimsOf(again.refresh_token)).toEqual(claimsOf(first.refresh_token));
    expect((await me(first.access_token)).status).toBe(200);
  });
});

describe('logout-all', () => {
  it('kills every session of the user and none of another user', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const laptop = await login(alice);
    const phone = await login(alice);
    const bobs = await login(bob);

    const response = await api.request('POST', '/auth/logout-all', { token: phone.access_token });

    expect(response.status).toBe(204);
    for (const session of [laptop, phone]) {
      expectInvalidToken(await me(session.access_token));
      expectInvalidToken(await refresh(session.refresh_token));
    }
    expect((await me(bobs.access_token)).status).toBe(200);
    expect((await refresh(bobs.refresh_token)).status).toBe(200);
  });
});

describe('password change', () => {
  it('keeps the current session, kills the others and replaces the password', async () => {
    const user = await registerUser();
    const current = await login(user);
    const other = await login(user);

    const response = await api.request('POST', '/auth/password', {
      token: current.access_token,
      body: { current_password: user.password, new_password: 'a brand new password' },
    });

    expect(response.status).toBe(204);
    expect((await me(current.access_token)).status).toBe(200);
    expectInvalidToken(await me(other.access_token));
    expectInvalidToken(await refresh(other.refresh_token));
    expect((await refresh(current.refresh_token)).status).toBe(200);
    const oldLogin = await api.request('POST', '/auth/login', { body: user });
    expect(oldLogin.status).toBe(401);
    await login({ username: user.username, password: 'a brand new password' });
  });

  it('returns 401 invalid_credentials for a wrong current password and changes nothing', async () => {
    const user = await registerUser();
    const current = await login(user);
    const other = await login(user);

    const response = await api.request('POST', '/auth/password', {
      token: current.access_token,
      body: { current_password: 'not the password', new_password: 'a brand new password' },
    });

    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_credentials' });
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect((await me(other.access_token)).status).toBe(200);
  });
});

describe('register', () => {
  it('returns 409 for a taken username, also when it differs only in case or width', async () => {
    const user = await registerUser();
    const fullWidth = user.username
      .toUpperCase()
      .replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 0xfee0));

    for (const username of [user.username, user.username.toUpperCase(), ` ${fullWidth} `]) {
      const response = await api.request('POST', '/auth/register', {
        body: { username, password: 'another password' },
      });
      expect(response.status).toBe(409);
      expect(response.json).toEqual({ error: 'username_taken', message: expect.any(String) });
    }
  });
});

describe('revocation items', () => {
  it('carry reason, revokedAt, sub, sid, tokenUse, expiresAt and the client ip and user agent', async () => {
    const user = await registerUser();
    const tokens = await login(user);

    await api.request('POST', '/auth/logout', {
      token: tokens.access_token,
      headers: { 'User-Agent': USER_AGENT },
    });

    const access = claimsOf(tokens.access_token);
    const refreshClaims = claimsOf(tokens.refresh_token);
    expect(await revocationOf(tokens.access_token)).toEqual({
      jti: access.jti,
      sub: user.userId,
      sid: access.sid,
      tokenUse: 'access',
      reason: 'logout',
      expiresAt: Number(access.exp) + CLOCK_TOLERANCE_SECONDS,
      revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      ip: '127.0.0.1',
      userAgent: USER_AGENT,
    });
    expect(await revocationOf(tokens.refresh_token)).toMatchObject({
      tokenUse: 'refresh',
      reason: 'logout',
      expiresAt: Number(refreshClaims.exp) + CLOCK_TOLERANCE_SECONDS,
      sid: access.sid,
    });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: LOCAL_TABLE_NAMES.sessions,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': user.userId },
      }),
    );
    expect(Items).toEqual([]);
  });
});

describe('sessions', () => {
  it('lists the live sessions of the caller with the current one marked', async () => {
    const user = await registerUser();
    const first = await login(user);
    const second = await login(user);

    const response = await api.request('GET', '/auth/sessions', { token: second.access_token });

    expect(response.status).toBe(200);
    const { sessions } = response.json as { sessions: Record<string, unknown>[] };
    expect(sessions).toHaveLength(2);
    expect(sessions.find((session) => session.current)).toMatchObject({
      session_id: claimsOf(second.access_token).sid,
      ip: '127.0.0.1',
      user_agent: USER_AGENT,
      refreshed_at: null,
    });
    expect(sessions.map((session) => session.session_id)).toContain(
      claimsOf(first.access_token).sid,
    );
  });

  it('deletes one of the caller’s sessions and answers 404 for someone else’s', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const aliceSession = await login(alice);
    const bobSession = await login(bob);
    const bobSid = claimsOf(bobSession.access_token).sid;

    const foreign = await api.request('DELETE', `/auth/sessions/${bobSid}`, {
      token: aliceSession.access_token,
    });

    expect(foreign.status).toBe(404);
    expect(foreign.json).toMatchObject({ error: 'not_found' });
    expect((await me(bobSession.access_token)).status).toBe(200);

    const own = await api.request('DELETE', `/auth/sessions/${bobSid}`, {
      token: bobSession.access_token,
    });
    expect(own.status).toBe(204);
    expectInvalidToken(await me(bobSession.access_token));
    expect(await revocationOf(bobSession.refresh_token)).toMatchObject({
      reason: 'session_revoked',
    });
  });
});

describe('logs', () => {
  it('never contain a token or a password, whatever happens to them', async () => {
    const log = jest.mocked(console.log);
    const error = jest.mocked(console.error);
    log.mockClear();
    error.mockClear();
    const user = await registerUser();
    const first = await login(user);
    const between = (await refresh(first.refresh_token)).json as TokensBody;
    const second = (await refresh(between.refresh_token)).json as TokensBody;
    await refresh(first.refresh_token); // reuse: ends the session
    await me(second.access_token); // refused
    await api.request('POST', '/auth/login', { body: { ...user, password: 'wrong password' } });
    await api.request('POST', '/auth/logout', { token: second.access_token });

    const logged = [...log.mock.calls, ...error.mock.calls].flat().map(String).join('\n');
    expect(logged).toContain('token refused'); // the flows above did log
    for (const secret of [
      user.password,
      'wrong password',
      first.access_token,
      first.refresh_token,
      second.access_token,
      second.refresh_token,
    ]) {
      // A token's signature alone would be enough to spot a leak.
      expect(logged).not.toContain(secret.split('.').pop());
    }
  });
});
