/**
 * POST /auth/login, the HTTP mapping: the body read and validated, the token
 * body and its headers, the refusals as statuses. The login rules themselves
 * are tested on the fakes (test/unit/auth/login.test.ts).
 */
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { newId } from '../../../lambdas/clock';
import { errorBody, tokensBody } from '../../../lambdas/contract/bodies';
import { ERROR_MESSAGES } from '../../../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../../../lambdas/contract/headers';
import { decodeJwt } from '../../support/keys';
import {
  call,
  cheapHasher,
  expectOnlyGrantedActions,
  loadHandlers,
  mockLoginAttempts,
  networkError,
  type ProxyHandler,
  proxyEvent,
  putItems,
  TABLE_NAMES,
} from './harness';

const ddb = mockClient(DynamoDBDocumentClient);
const hasher = cheapHasher();
let handler: ProxyHandler;
let alice: { username: string; userId: string; passwordHash: string; createdAt: string };

beforeAll(async () => {
  ({
    handlers: { login: handler },
  } = await loadHandlers('login'));
  alice = {
    username: 'alice',
    userId: newId(),
    passwordHash: await hasher.hash('correct horse'),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
});

beforeEach(() => mockLoginAttempts(ddb));
afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

const login = (body: unknown) => call(handler, proxyEvent({ body }));

describe('login handler', () => {
  it('returns 200 with the token body, no-store and nosniff, for the normalised name', async () => {
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users }).resolves({ Item: alice });
    ddb.on(PutCommand).resolves({});

    const response = await login({ username: ' Alice ', password: 'correct horse' });

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      ...SECURITY_HEADERS,
    });
    const body = tokensBody.parse(response.json);
    expect(body).toMatchObject({ expires_in: 900, refresh_expires_in: 30 * 24 * 3600 });
    expect(decodeJwt(body.access_token).payload).toMatchObject({ sub: alice.userId });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { username: 'alice' } });
    // The client as API Gateway saw it goes into the session.
    expect(putItems(ddb, 'sessions')).toEqual([
      expect.objectContaining({ ip: '203.0.113.7', userAgent: 'jest-agent/1.0' }),
    ]);
    expectOnlyGrantedActions(ddb, 'Login');
  });

  it('looks a name up under the legacy normalisation when the current one finds nobody', async () => {
    const legacy = { ...alice, username: ' \u0308bob' };
    ddb
      .on(GetCommand, { TableName: TABLE_NAMES.users, Key: { username: '\u0308bob' } })
      .resolves({});
    ddb
      .on(GetCommand, { TableName: TABLE_NAMES.users, Key: { username: ' \u0308bob' } })
      .resolves({ Item: legacy });
    ddb.on(PutCommand).resolves({});

    const response = await login({ username: '\u00a8bob', password: 'correct horse' });

    expect(response.status).toBe(200);
  });

  it('returns the same 401 invalid_credentials, without a challenge, for an unknown user and a wrong password', async () => {
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users, Key: { username: 'alice' } }).resolves({
      Item: alice,
    });
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users, Key: { username: 'mallory' } }).resolves({});

    const wrongPassword = await login({ username: 'alice', password: 'wrong horse' });
    const unknownUser = await login({ username: 'mallory', password: 'correct horse' });

    expect(wrongPassword.status).toBe(401);
    expect(errorBody.parse(wrongPassword.json)).toEqual({
      error: 'invalid_credentials',
      message: ERROR_MESSAGES.invalidCredentials,
    });
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.body).toBe(wrongPassword.body);
    expect(wrongPassword.headers['WWW-Authenticate']).toBeUndefined();
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    // Both attempts count on the pair of the name tried, known or not, and the client's address.
    for (const account of ['alice', 'mallory']) {
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE_NAMES.loginAttempts,
        Key: { account, address: expect.any(String) },
      });
    }
    expectOnlyGrantedActions(ddb, 'Login');
  });

  it('returns 429 too_many_requests with Retry-After for a locked pair, before hashing', async () => {
    // Seven attempts, the last one now: locked for 2^(7-5) = 4 s.
    mockLoginAttempts(ddb, { attempts: 7, lockedUntil: Date.now() + 4000 });
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users }).resolves({ Item: alice });

    const response = await login({ username: 'Alice', password: 'correct horse' });

    expect(response.status).toBe(429);
    expect(errorBody.parse(response.json)).toEqual({
      error: 'too_many_requests',
      message: ERROR_MESSAGES.accountLocked,
    });
    expect(response.headers).toMatchObject({ 'Retry-After': expect.stringMatching(/^[34]$/) });
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE_NAMES.loginAttempts,
      Key: { account: 'alice', address: expect.any(String) },
    });
    // Refused before anything is counted.
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it.each([
    ['malformed JSON', 'not json'],
    ['a missing password', { username: 'alice' }],
    ['a boolean password', { username: 'alice', password: true }],
    ['a name no account can have', { username: 'a'.repeat(65), password: 'correct horse' }],
    ['a body over 16 KiB', { username: 'alice', password: 'p'.repeat(20_000) }],
  ])('returns 400 invalid_request and reads or writes nothing for %s', async (_, body) => {
    const response = await login(body);

    expect(response.status).toBe(400);
    expect(errorBody.parse(response.json).error).toBe('invalid_request');
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 unavailable when the Users table cannot be read', async () => {
    ddb.on(GetCommand).rejects(networkError());

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(503);
    expect(response.json).toEqual({ error: 'unavailable', message: ERROR_MESSAGES.unavailable });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns 500 internal_error without internals for a corrupt stored hash', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...alice, passwordHash: 'md5$deadbeef' } });

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: 'internal_error',
      message: ERROR_MESSAGES.internalError,
    });
    expect(response.body).not.toMatch(/hash|format|md5/i);
  });
});
