/**
 * The routes behind the authorizer that need no password: logout-all, me,
 * sessions (list and delete). They read the caller from the authorizer
 * context, whose values API Gateway passes on as strings.
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
import {
  authorizerContext,
  call,
  expectOnlyGrantedActions,
  issueTokens,
  loadHandlers,
  networkError,
  type ProxyHandler,
  proxyEvent,
  putItems,
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

const alice = { sub: 'user-1', username: 'alice' };

async function twoSessions() {
  const current = await issueTokens(keyDir, { ...alice, sid: 'session-current' });
  const other = await issueTokens(keyDir, { ...alice, sid: 'session-other' });
  return { current, other };
}

describe('logout-all handler', () => {
  it('returns 204 and revokes both tokens of every session of the caller', async () => {
    const { current, other } = await twoSessions();
    ddb.on(QueryCommand).resolves({ Items: [sessionItem(current), sessionItem(other)] });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await call(logoutAll, proxyEvent({ authorizer: authorizerContext(current) }));

    expect(response.status).toBe(204);
    // The credentials version is bumped first: a login in flight gives its session up.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { Key: { username: 'alice' } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':userId': 'user-1' },
    });
    const revoked = putItems(ddb, 'revokedTokens');
    expect(revoked.map((item) => item.jti).sort()).toEqual(
      [
        current.access.claims.jti,
        current.refresh.claims.jti,
        other.access.claims.jti,
        other.refresh.claims.jti,
      ].sort(),
    );
    expect(revoked.every((item) => item.reason === 'logout_all')).toBe(true);
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
      message: 'An unexpected error occurred.',
    });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('me handler', () => {
  it('returns 200 with the identity from the authorizer context and no I/O', async () => {
    const { current } = await twoSessions();

    const response = await call(
      me,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      user_id: 'user-1',
      username: 'alice',
      session_id: 'session-current',
      expires_at: new Date(current.access.claims.exp * 1000).toISOString(),
    });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('list-sessions handler', () => {
  it('returns 200 with the live sessions, newest first, marking the current one', async () => {
    const { current, other } = await twoSessions();
    const ended = sessionItem(other, { sessionId: 'session-ended', expiresAt: 1_000 });
    ddb.on(QueryCommand).resolves({
      Items: [
        sessionItem(other, { createdAt: '2026-01-01T00:00:00.000Z' }),
        sessionItem(current, {
          createdAt: '2026-01-02T00:00:00.000Z',
          refreshedAt: '2026-01-03T00:00:00.000Z',
        }),
        ended,
      ],
    });

    const response = await call(
      listSessions,
      proxyEvent({ method: 'GET', authorizer: authorizerContext(current) }),
    );

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      sessions: [
        {
          session_id: 'session-current',
          created_at: '2026-01-02T00:00:00.000Z',
          refreshed_at: '2026-01-03T00:00:00.000Z',
          expires_at: new Date(current.refresh.claims.exp * 1000).toISOString(),
          ip: '198.51.100.1',
          user_agent: 'old-agent',
          current: true,
        },
        expect.objectContaining({
          session_id: 'session-other',
          refreshed_at: null,
          current: false,
        }),
      ],
      next: null,
    });
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

  it('returns 204 and revokes the named session of the caller', async () => {
    const { current, other } = await twoSessions();
    ddb.on(GetCommand).resolves({ Item: sessionItem(other) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await remove(authorizerContext(current), 'session-other');

    expect(response.status).toBe(204);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      Key: { userId: 'user-1', sessionId: 'session-other' },
    });
    expect(putItems(ddb, 'revokedTokens')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ jti: other.refresh.claims.jti, reason: 'session_revoked' }),
        expect.objectContaining({ jti: other.access.claims.jti, reason: 'session_revoked' }),
      ]),
    );
    expectOnlyGrantedActions(ddb, 'DeleteSession');
  });

  it('returns 404 not_found and writes nothing for a session that is not the caller’s', async () => {
    const { current } = await twoSessions();
    ddb.on(GetCommand).resolves({});

    const response = await remove(authorizerContext(current), 'someone-elses-session');

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'not_found', message: expect.any(String) });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('returns 503 unavailable when the session cannot be read', async () => {
    const { current } = await twoSessions();
    ddb.on(GetCommand).rejects(networkError());

    expect((await remove(authorizerContext(current), 'session-other')).status).toBe(503);
  });
});
