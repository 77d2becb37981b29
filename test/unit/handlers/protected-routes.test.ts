/**
 * The routes behind the authorizer that need no password, the HTTP mapping:
 * logout-all, me, sessions (list and delete). They read the caller from the
 * authorizer context, whose values API Gateway passes on as strings. The
 * session rules are tested on the fakes (test/unit/auth/logout-all.test.ts,
 * sessions.test.ts).
 */
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { newId } from '../../../lambdas/clock';
import { errorBody, meBody, sessionsBody } from '../../../lambdas/contract/bodies';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import {
  authorizerContext,
  call,
  expectOnlyGrantedActions,
  issueTokens,
  loadHandlers,
  networkError,
  type ProxyHandler,
  proxyEvent,
  sessionItem,
} from './harness';

const ddb = mockClient(DynamoDBDocumentClient);
let keyDir: string;
let logoutAll: ProxyHandler;
let me: ProxyHandler;
let listSessions: ProxyHandler;
let deleteSession: ProxyHandler;

beforeAll(async () => {
  let handlers: Record<'logout-all' | 'me' | 'list-sessions' | 'delete-session', ProxyHandler>;
  ({ keyDir, handlers } = await loadHandlers(
    'logout-all',
    'me',
    'list-sessions',
    'delete-session',
  ));
  ({
    'logout-all': logoutAll,
    me,
    'list-sessions': listSessions,
    'delete-session': deleteSession,
  } = handlers);
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

const alice = { sub: newId(), username: 'alice' };

async function twoSessions() {
  const current = await issueTokens(keyDir, { ...alice, sid: newId() });
  const other = await issueTokens(keyDir, { ...alice, sid: newId() });
  return { current, other };
}

describe('logout-all handler', () => {
  it('returns 204 after ending the sessions of the caller named by the context', async () => {
    const { current, other } = await twoSessions();
    ddb.on(QueryCommand).resolves({ Items: [sessionItem(current), sessionItem(other)] });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await call(logoutAll, proxyEvent({ authorizer: authorizerContext(current) }));

    expect(response.status).toBe(204);
    expect(response.headers).toEqual(SECURITY_HEADERS);
    // The credentials version is bumped first: a login in flight gives its session up.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { Key: { username: 'alice' } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':userId': alice.sub },
    });
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 2);
    expectOnlyGrantedActions(ddb, 'LogoutAll');
  });

  it('returns 503 unavailable when the sessions cannot be listed', async () => {
    const { current } = await twoSessions();
    ddb.on(QueryCommand).rejects(networkError());

    const response = await call(logoutAll, proxyEvent({ authorizer: authorizerContext(current) }));

    expect(response.status).toBe(503);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns 500 internal_error, never a pass, when called without the authorizer context', async () => {
    const response = await call(logoutAll, proxyEvent());

    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: 'internal_error',
      message: ERROR_MESSAGES.internalError,
    });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('me handler', () => {
  it('returns 200 with the identity from the authorizer context, no-store and no I/O', async () => {
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
    });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('list-sessions handler', () => {
  it('returns 200 with the live sessions in snake_case, newest first, the current one marked', async () => {
    const { current, other } = await twoSessions();
    const ended = sessionItem(other, { sessionId: newId(), expiresAt: 1_000 });
    ddb.on(QueryCommand).resolves({
      Items: [
        sessionItem(other, { createdAt: '2026-01-01T00:00:00.000Z' }),
        sessionItem(current, {
          createdAt: '2026-01-02T00:00:00.000Z',
          refreshedAt: '2026-01-03T00:00:00.000Z',
        }),
        // Past its end but not yet deleted by TTL: the store leaves it out.
        ended,
      ],
    });

    const response = await call(
      listSessions,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(sessionsBody.parse(response.json).sessions).toEqual([
      {
        session_id: current.access.claims.sid,
        created_at: '2026-01-02T00:00:00.000Z',
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
    expectOnlyGrantedActions(ddb, 'ListSessions');
  });

  it('returns 503 unavailable when the sessions cannot be listed', async () => {
    const { current } = await twoSessions();
    ddb.on(QueryCommand).rejects(networkError());

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
    ddb.on(GetCommand).resolves({ Item: sessionItem(other) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await remove(authorizerContext(current), other.access.claims.sid);

    expect(response.status).toBe(204);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      Key: { userId: alice.sub, sessionId: other.access.claims.sid },
    });
    expectOnlyGrantedActions(ddb, 'DeleteSession');
  });

  it('returns 404 not_found for a session that is not the caller’s', async () => {
    const { current } = await twoSessions();
    ddb.on(GetCommand).resolves({});

    const response = await remove(authorizerContext(current), newId());

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'not_found', message: ERROR_MESSAGES.noSuchSession });
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
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
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 unavailable when the session cannot be read', async () => {
    const { current } = await twoSessions();
    ddb.on(GetCommand).rejects(networkError());

    expect((await remove(authorizerContext(current), newId())).status).toBe(503);
  });
});
