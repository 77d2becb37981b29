/**
 * POST /auth/logout (no authorizer): access and/or refresh token, expired but
 * genuine tokens accepted, idempotent, 400 without a token, 401 for a forgery.
 */
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeJwt, forgeJwt, generateP256 } from '../../support/keys';
import {
  call,
  conditionFailed,
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
let handler: ProxyHandler;
let keyDir: string;

beforeAll(async () => {
  ({
    keyDir,
    handlers: { logout: handler },
  } = await loadHandlers('logout'));
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

const subject = { sub: 'user-1', sid: 'session-1', username: 'alice' };

function logout(options: { access?: string; refresh?: string; body?: unknown }) {
  return call(
    handler,
    proxyEvent({
      ...(options.access ? { headers: { Authorization: `Bearer ${options.access}` } } : {}),
      ...(options.refresh ? { body: { refresh_token: options.refresh } } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    }),
  );
}

describe('logout handler', () => {
  it('returns 204 for an access token and revokes both tokens of its session', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await logout({ access: pair.access.token });

    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(putItems(ddb, 'revokedTokens')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          jti: pair.access.claims.jti,
          reason: 'logout',
          sid: 'session-1',
        }),
        expect.objectContaining({ jti: pair.refresh.claims.jti, reason: 'logout' }),
      ]),
    );
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { userId: 'user-1', sessionId: 'session-1' },
    });
    expectOnlyGrantedActions(ddb, 'Logout');
  });

  it('returns 204 for a refresh token alone', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    expect((await logout({ refresh: pair.refresh.token })).status).toBe(204);
    expect(putItems(ddb, 'revokedTokens')).toHaveLength(2);
  });

  it('returns 204 when the session is already over (idempotent)', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(conditionFailed());

    const response = await logout({ access: pair.access.token, refresh: pair.refresh.token });

    expect(response.status).toBe(204);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('returns 204 for an expired but genuine access token', async () => {
    const hourAgo = new Date(Date.now() - 3600_000);
    const pair = await issueTokens(keyDir, subject, () => hourAgo);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    expect((await logout({ access: pair.access.token })).status).toBe(204);
    // The dead access token needs no revocation; the live refresh token does.
    expect(putItems(ddb, 'revokedTokens').map((item) => item.jti)).toEqual([
      pair.refresh.claims.jti,
    ]);
    expect(ddb).toHaveReceivedCommand(DeleteCommand);
  });

  it('returns 400 invalid_request when no token is given', async () => {
    const response = await logout({});

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 400 invalid_request when the two tokens belong to different sessions', async () => {
    const one = await issueTokens(keyDir, subject);
    const other = await issueTokens(keyDir, { ...subject, sid: 'session-2' });

    const response = await logout({ access: one.access.token, refresh: other.refresh.token });

    expect(response.status).toBe(400);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 400 for a malformed body', async () => {
    expect((await logout({ body: '{"refresh_token"' })).status).toBe(400);
    expect((await logout({ body: { refresh_token: 12 } })).status).toBe(400);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 401 invalid_token and writes nothing for a token whose signature does not verify', async () => {
    const pair = await issueTokens(keyDir, subject);
    const { header, payload } = decodeJwt(pair.access.token);
    const forged = forgeJwt(header, payload, { alg: 'ES256', key: generateP256().privateKey });

    const response = await logout({ access: forged });

    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.json).toEqual({ error: 'invalid_token', message: expect.any(String) });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 401 for a malformed Authorization header', async () => {
    const response = await call(
      handler,
      proxyEvent({ headers: { Authorization: 'Basic dXNlcjpwdw==' } }),
    );

    expect(response.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 unavailable when the revocation cannot be written', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).rejects(networkError());

    const response = await logout({ access: pair.access.token });

    expect(response.status).toBe(503);
    // The session item stays, so a retry can finish the logout.
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });
});
