/**
 * The bounds on a user's sessions over HTTP, on the embedded engine: the cap
 * (MAX_SESSIONS_PER_USER=3 here) ends the oldest session at login, and
 * GET /auth/sessions is paginated with `limit` and an opaque `next`.
 */
import { randomBytes } from 'node:crypto';
import { ENV } from '../../lambdas/config';
import type { SessionsBody, TokensBody } from '../../lambdas/contract/bodies';
import { type LocalApi, startLocalApi } from '../support/local-api';

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ [ENV.passwordHashCost]: '10', [ENV.maxSessionsPerUser]: '3' });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await api?.close();
});

async function userWithLogins(count: number): Promise<TokensBody[]> {
  const body = {
    username: `bounds-${randomBytes(5).toString('hex')}`,
    password: `pw-${randomBytes(9).toString('base64url')}`,
  };
  expect((await api.request('POST', '/auth/register', { body })).status).toBe(201);
  const logins: TokensBody[] = [];
  for (let i = 0; i < count; i++) {
    const response = await api.request('POST', '/auth/login', { body });
    expect(response.status).toBe(200);
    logins.push(response.json as TokensBody);
  }
  return logins;
}

const list = (token: string, query = '') => api.request('GET', `/auth/sessions${query}`, { token });

describe('session cap', () => {
  it('ends the oldest session when a login goes beyond the cap', async () => {
    const [oldest, ...rest] = (await userWithLogins(4)) as [TokensBody, ...TokensBody[]];

    expect((await api.request('GET', '/auth/me', { token: oldest.access_token })).status).toBe(401);
    const refreshed = await api.request('POST', '/auth/refresh', {
      body: { refresh_token: oldest.refresh_token },
    });
    expect(refreshed.status).toBe(401);
    for (const tokens of rest) {
      expect((await api.request('GET', '/auth/me', { token: tokens.access_token })).status).toBe(
        200,
      );
    }
    const newest = rest[rest.length - 1] as TokensBody;
    expect(((await list(newest.access_token)).json as SessionsBody).sessions).toHaveLength(3);
  });
});

describe('GET /auth/sessions pagination', () => {
  it('pages with limit and next, newest first, next null on the last page', async () => {
    const logins = await userWithLogins(3);
    const newest = logins[2] as TokensBody;

    const first = await list(newest.access_token, '?limit=2');
    expect(first.status).toBe(200);
    const page1 = first.json as SessionsBody;
    expect(page1.sessions).toHaveLength(2);
    expect(page1.sessions[0]?.current).toBe(true);
    expect(page1.next).toEqual(expect.any(String));

    const second = await list(
      newest.access_token,
      `?limit=2&next=${encodeURIComponent(page1.next as string)}`,
    );
    const page2 = second.json as SessionsBody;
    expect(second.status).toBe(200);
    expect(page2.sessions).toHaveLength(1);
    expect(page2.next).toBeNull();
    const ids = [...page1.sessions, ...page2.sessions].map((s) => s.session_id);
    expect(new Set(ids).size).toBe(3);
  });

  it.each([['?limit=0'], ['?limit=101'], ['?limit=ten'], ['?next=garbage%21'], ['?next=e30']])(
    'answers 400 invalid_request to %s',
    async (query) => {
      const [tokens] = (await userWithLogins(1)) as [TokensBody];
      const response = await list(tokens.access_token, query);
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    },
  );
});
