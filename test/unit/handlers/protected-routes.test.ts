/**
 * The routes behind the authorizer that need no password, the HTTP mapping:
 * logout-all, me, sessions (list and delete). They read the caller from the
 * authorizer context, whose values API Gateway passes on as strings. The
 * session rules are tested on the fakes (test/unit/auth/logout-all.test.ts,
 * sessions.test.ts).
 */
import { newId } from '../../../lambdas/clock';
import { errorBody, meBody, sessionsBody } from '../../../lambdas/contract/bodies';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { createDeleteSessionHandler } from '../../../lambdas/http/routes/delete-session';
import { createListSessionsHandler } from '../../../lambdas/http/routes/list-sessions';
import { createLogoutAllHandler } from '../../../lambdas/http/routes/logout-all';
import { createMeHandler } from '../../../lambdas/http/routes/me';
import {
  authorizerContextOf as authorizerContext,
  fakeRuntime,
  storedSession,
  unavailable,
} from '../../support/fake-runtime';
import { call, freshEachTest, proxyEvent, quietLogs } from './harness';

quietLogs();

const fake = freshEachTest(fakeRuntime);
const logoutAll = freshEachTest(() => createLogoutAllHandler(fake.runtime));
const me = freshEachTest(() => createMeHandler(fake.runtime));
const listSessions = freshEachTest(() => createListSessionsHandler(fake.runtime));
const deleteSession = freshEachTest(() => createDeleteSessionHandler(fake.runtime));

const alice = { sub: newId(), username: 'alice' };

/** Two live sessions of alice, the current one the newer. */
async function twoSessions() {
  await fake.world.users.create({
    username: 'alice',
    userId: alice.sub,
    passwordHash: 'unused',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const other = await storedSession(fake.world, { ...alice, sid: newId() });
  fake.world.clock.advance(60);
  const current = await storedSession(fake.world, { ...alice, sid: newId() });
  return { current, other };
}

describe('logout-all handler', () => {
  it('returns 204 after ending the sessions of the caller named by the context', async () => {
    const { current, other } = await twoSessions();

    const response = await call(logoutAll, proxyEvent({ authorizer: authorizerContext(current) }));

    expect(response.status).toBe(204);
    expect(response.headers).toEqual(SECURITY_HEADERS);
    // The credentials version is bumped first: a login in flight gives its session up.
    expect(fake.calls[0]).toBe('users.bumpCredentialsVersion');
    expect(await fake.world.sessions.listByUser(alice.sub)).toEqual([]);
    for (const pair of [current, other]) {
      expect(await fake.world.revokedTokens.isRevoked(pair.refresh.claims.jti)).toBe(true);
    }
  });

  it('returns 503 unavailable when the sessions cannot be listed', async () => {
    const { current } = await twoSessions();
    unavailable(fake.world.sessions, 'listByUser');

    const response = await call(logoutAll, proxyEvent({ authorizer: authorizerContext(current) }));

    expect(response.status).toBe(503);
    expect(fake.world.revokedTokens.items.size).toBe(0);
  });

  it('returns 500 internal_error, never a pass, when called without the authorizer context', async () => {
    const response = await call(logoutAll, proxyEvent());

    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: 'internal_error',
      message: ERROR_MESSAGES.internalError,
    });
    expect(fake.calls).toEqual([]);
  });
});

describe('me handler', () => {
  it('returns 200 with the identity from the authorizer context and no address, no-store, one read', async () => {
    const { current } = await twoSessions();

    const response = await call(
      me,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(meBody.parse(response.json)).toEqual({
      user_id: alice.sub,
      username: 'alice',
      session_id: current.access.claims.sid,
      expires_at: new Date(current.access.claims.exp * 1000).toISOString(),
      email: null,
      email_verified: false,
    });
    expect(fake.calls).toEqual(['users.find']);
  });

  it.each([
    [false, { email: 'alice@example.com', emailVerified: false }],
    [true, { email: 'alice@example.com', emailVerified: true }],
  ])('shows the account’s address, verified: %p', async (verified, stored) => {
    const { current } = await twoSessions();
    Object.assign(fake.world.users.items.get('alice') ?? {}, stored);

    const response = await call(
      me,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.json).toMatchObject({ email: 'alice@example.com', email_verified: verified });
  });

  it('shows no address of another account that now has the name', async () => {
    const { current } = await twoSessions();
    Object.assign(fake.world.users.items.get('alice') ?? {}, {
      userId: 'someone-else-entirely',
      email: 'other@example.com',
      emailVerified: true,
    });

    const response = await call(
      me,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.json).toMatchObject({ email: null, email_verified: false });
  });
});

describe('list-sessions handler', () => {
  it('returns 200 with the live sessions in snake_case, newest first, the current one marked', async () => {
    const { current, other } = await twoSessions();
    const stored = fake.world.sessions.items;
    const currentKey = `${alice.sub}/${current.access.claims.sid}`;
    stored.set(currentKey, {
      ...(stored.get(currentKey) as NonNullable<ReturnType<typeof stored.get>>),
      refreshedAt: '2026-01-03T00:00:00.000Z',
    });
    // Past its end but not yet deleted by TTL: the store leaves it out.
    const ended = {
      ...(stored.get(`${alice.sub}/${other.access.claims.sid}`) as NonNullable<
        ReturnType<typeof stored.get>
      >),
      sessionId: newId(),
      expiresAt: 1_000,
    };
    stored.set(`${alice.sub}/${ended.sessionId}`, ended);

    const response = await call(
      listSessions,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(sessionsBody.parse(response.json).sessions).toEqual([
      {
        session_id: current.access.claims.sid,
        created_at: new Date(current.access.claims.iat * 1000).toISOString(),
        refreshed_at: '2026-01-03T00:00:00.000Z',
        expires_at: new Date(current.refresh.claims.exp * 1000).toISOString(),
        ip: '198.51.100.1',
        user_agent: 'old-agent',
        current: true,
      },
      expect.objectContaining({
        session_id: other.access.claims.sid,
        refreshed_at: null,
        current: false,
      }),
    ]);
    expect(sessionsBody.parse(response.json).next).toBeNull();
  });

  it('returns 503 unavailable when the sessions cannot be listed', async () => {
    const { current } = await twoSessions();
    unavailable(fake.world.sessions, 'listByUser');

    const response = await call(
      listSessions,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.status).toBe(503);
  });
});

describe('delete-session handler', () => {
  const remove = (context: Record<string, string>, sessionId: string) =>
    call(
      deleteSession,
      proxyEvent({
        method: 'DELETE',
        authorizer: context,
        pathParameters: { session_id: sessionId },
      }),
    );

  it('returns 204 after ending the session of the path, looked up under the caller', async () => {
    const { current, other } = await twoSessions();

    const response = await remove(authorizerContext(current), other.access.claims.sid);

    expect(response.status).toBe(204);
    expect(await fake.world.sessions.get(alice.sub, other.access.claims.sid)).toBeUndefined();
    expect(await fake.world.sessions.get(alice.sub, current.access.claims.sid)).toBeDefined();
  });

  it('returns 404 not_found for a session that is not the caller’s', async () => {
    const { current } = await twoSessions();
    const bob = await storedSession(fake.world, { sub: newId(), sid: newId(), username: 'bob' });

    const response = await remove(authorizerContext(current), bob.access.claims.sid);

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'not_found', message: ERROR_MESSAGES.noSuchSession });
    expect(
      await fake.world.sessions.get(bob.access.claims.sub, bob.access.claims.sid),
    ).toBeDefined();
  });

  it.each([
    ['1500 characters', 'a'.repeat(1500)],
    ['characters outside base64url', 'AAAAAAAAAAAAAAAAAAAA+/'],
    ['21 characters', 'A'.repeat(21)],
    ['23 characters', 'A'.repeat(23)],
    ['an empty id', ''],
  ])('returns 404 not_found for an id of %s before any store sees it', async (_, id) => {
    const { current } = await twoSessions();

    const response = await remove(authorizerContext(current), id);

    expect(response.status).toBe(404);
    expect(errorBody.parse(response.json).error).toBe('not_found');
    expect(fake.calls).toEqual([]);
  });

  it('returns 503 unavailable when the session cannot be read', async () => {
    const { current } = await twoSessions();
    unavailable(fake.world.sessions, 'get');

    expect((await remove(authorizerContext(current), newId())).status).toBe(503);
  });
});
