/**
 * POST /auth/logout (no authorizer), the HTTP mapping: where the tokens come
 * from (Bearer header, body), 204 with no body, 400 without a token or with a
 * malformed body, 401 with the challenge, 503. The logout rules (both tokens
 * revoked, expired tokens, idempotence, two sessions) are tested on the fakes
 * (test/unit/auth/logout.test.ts).
 */
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { newId } from '../../../lambdas/clock';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { decodeJwt, forgeJwt, generateP256 } from '../../support/keys';
import {
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

const subject = { sub: newId(), sid: newId(), username: 'alice' };

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
    expect(response.headers).toEqual(SECURITY_HEADERS);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { userId: subject.sub, sessionId: subject.sid },
    });
    expectOnlyGrantedActions(ddb, 'Logout');
  });

  it('returns 204 for a refresh token alone', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    expect((await logout({ refresh: pair.refresh.token })).status).toBe(204);
    expect(putItems(ddb, 'revokedTokens').map((item) => item.jti)).toContain(
      pair.refresh.claims.jti,
    );
  });

  it('returns 400 invalid_request when no token is given', async () => {
    const response = await logout({});

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
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
