/**
 * POST /auth/password, the HTTP mapping: 204, 401 invalid_credentials without
 * a challenge, 400, 503. The rules (new hash, other sessions revoked, the
 * caller's kept, a concurrent change winning) are tested on the fakes
 * (test/unit/auth/change-password.test.ts).
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
import { COMMON_PASSWORD_PROBLEM } from '../../../lambdas/auth/credentials-rules';
import { newId } from '../../../lambdas/clock';
import { errorBody } from '../../../lambdas/contract/bodies';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import {
  authorizerContext,
  call,
  cheapHasher,
  expectOnlyGrantedActions,
  issueTokens,
  loadHandlers,
  mockLoginAttempts,
  networkError,
  type ProxyHandler,
  proxyEvent,
  sessionItem,
  TABLE_NAMES,
} from './harness';

const ddb = mockClient(DynamoDBDocumentClient);
const hasher = cheapHasher();
let handler: ProxyHandler;
let keyDir: string;
let user: { username: string; userId: string; passwordHash: string; createdAt: string };

beforeAll(async () => {
  ({
    keyDir,
    handlers: { 'change-password': handler },
  } = await loadHandlers('change-password'));
  user = {
    username: 'alice',
    userId: newId(),
    passwordHash: await hasher.hash('old password'),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
});

beforeEach(() => mockLoginAttempts(ddb));
afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

async function setup() {
  const subject = { sub: user.userId, username: 'alice' };
  const current = await issueTokens(keyDir, { ...subject, sid: newId() });
  const other = await issueTokens(keyDir, { ...subject, sid: newId() });
  return { current, other };
}

const change = (context: Record<string, string>, body: unknown) =>
  call(handler, proxyEvent({ authorizer: context, body }));

describe('change-password handler', () => {
  it('returns 204 with no body, for the caller of the authorizer context', async () => {
    const { current, other } = await setup();
    ddb.on(GetCommand).resolves({ Item: user });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [sessionItem(current), sessionItem(other)] });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await change(authorizerContext(current), {
      current_password: 'old password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers).toEqual(SECURITY_HEADERS);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { username: 'alice' } });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { userId: user.userId, sessionId: other.access.claims.sid },
    });
    expectOnlyGrantedActions(ddb, 'ChangePassword');
  });

  it('returns 401 invalid_credentials without WWW-Authenticate for a wrong current password', async () => {
    const { current } = await setup();
    ddb.on(GetCommand).resolves({ Item: user });

    const response = await change(authorizerContext(current), {
      current_password: 'not my password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: 'invalid_credentials',
      message: ERROR_MESSAGES.wrongCurrentPassword,
    });
    expect(response.headers['WWW-Authenticate']).toBeUndefined();
    // The attempt is counted on the caller's lockout pair; the user is not touched.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE_NAMES.loginAttempts,
      Key: { account: 'alice', address: expect.any(String) },
    });
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { TableName: TABLE_NAMES.users });
    expectOnlyGrantedActions(ddb, 'ChangePassword');
  });

  it('returns 429 too_many_requests with Retry-After while the pair is locked, reading no user', async () => {
    const { current } = await setup();
    mockLoginAttempts(ddb, { attempts: 6, lockedUntil: Date.now() + 2000 });

    const response = await change(authorizerContext(current), {
      current_password: 'old password',
      new_password: 'a brand new passphrase',
    });

    expect(response.status).toBe(429);
    expect(errorBody.parse(response.json)).toEqual({
      error: 'too_many_requests',
      message: ERROR_MESSAGES.accountLocked,
    });
    expect(Number(response.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers['Retry-After'])).toBeLessThanOrEqual(2);
    expect(ddb).not.toHaveReceivedCommandWith(GetCommand, { TableName: TABLE_NAMES.users });
  });

  it.each([
    ['malformed JSON', '{"current_password": "old password"'],
    ['a missing new_password', { current_password: 'old password' }],
    [
      'a new password of 7 characters',
      { current_password: 'old password', new_password: 'short12' },
    ],
    [
      'a new password with an unpaired surrogate',
      { current_password: 'old password', new_password: 'password \udfff' },
    ],
    ['a numeric current_password', { current_password: 12345678, new_password: 'new password!' }],
  ])('returns 400 invalid_request and touches nothing for %s', async (_, body) => {
    const { current } = await setup();

    const response = await change(authorizerContext(current), body);

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('refuses a common new password with a 400 that says why, before checking anything', async () => {
    const { current } = await setup();

    const response = await change(authorizerContext(current), {
      current_password: 'old password',
      new_password: 'TrustNo1',
    });

    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'invalid_request',
      message: `Invalid field "new_password": ${COMMON_PASSWORD_PROBLEM}`,
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 unavailable when the user cannot be read', async () => {
    const { current } = await setup();
    ddb.on(GetCommand).rejects(networkError());

    const response = await change(authorizerContext(current), {
      current_password: 'old password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(503);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});
