/** POST /auth/login: 200 tokens and a session item, 401 alike for both failures, 400, 503, 500. */
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createPasswordHasher, OWASP_SCRYPT } from '../../../lambdas/auth/passwords';
import { decodeJwt } from '../../support/keys';
import {
  call,
  cheapHasher,
  expectOnlyGrantedActions,
  loadHandlers,
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
    userId: 'user-alice',
    passwordHash: await hasher.hash('correct horse'),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

/** Alice with a hash made at N=2^9: other parameters than the handler's. */
async function aliceWithOlderHash() {
  const older = createPasswordHasher({ ...OWASP_SCRYPT, N: 2 ** 9 });
  return { ...alice, passwordHash: await older.hash('correct horse') };
}

const login = (body: unknown) => call(handler, proxyEvent({ body }));

describe('login handler', () => {
  it('returns 200 with a token pair and stores the session with client info', async () => {
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users }).resolves({ Item: alice });
    ddb.on(PutCommand).resolves({});

    const response = await login({ username: ' Alice ', password: 'correct horse' });

    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.json).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_expires_in: 30 * 24 * 3600,
    });
    const access = decodeJwt(String(response.json?.access_token)).payload;
    const refresh = decodeJwt(String(response.json?.refresh_token)).payload;
    expect(access).toMatchObject({ sub: 'user-alice', username: 'alice', token_use: 'access' });
    expect(refresh.sid).toBe(access.sid);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { username: 'alice' } });
    expect(putItems(ddb, 'sessions')).toEqual([
      {
        userId: 'user-alice',
        sessionId: access.sid,
        username: 'alice',
        accessJti: access.jti,
        accessExp: access.exp,
        refreshJti: refresh.jti,
        refreshExp: refresh.exp,
        createdAt: expect.any(String),
        expiresAt: refresh.exp,
        credentialsVersion: 0,
        ip: '203.0.113.7',
        userAgent: 'jest-agent/1.0',
      },
    ]);
    expectOnlyGrantedActions(ddb, 'Login');
  });

  it('leaves a hash made with the current parameters alone', async () => {
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users }).resolves({ Item: alice });
    ddb.on(PutCommand).resolves({});

    expect((await login({ username: 'alice', password: 'correct horse' })).status).toBe(200);

    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('re-hashes a password stored with older parameters, conditional on the old hash', async () => {
    const older = await aliceWithOlderHash();
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users }).resolves({ Item: older });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    expect((await login({ username: 'alice', password: 'correct horse' })).status).toBe(200);

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE_NAMES.users,
      Key: { username: 'alice' },
      ExpressionAttributeValues: expect.objectContaining({
        ':previous': older.passwordHash,
        ':userId': 'user-alice',
      }),
    });
    const next =
      ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':next'];
    expect(String(next)).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
    await expect(hasher.verify('correct horse', String(next))).resolves.toBe(true);
    expectOnlyGrantedActions(ddb, 'Login');
  });

  it('still logs in when the re-hash cannot be stored', async () => {
    const older = await aliceWithOlderHash();
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users }).resolves({ Item: older });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).rejects(networkError());

    expect((await login({ username: 'alice', password: 'correct horse' })).status).toBe(200);
  });

  it('returns the same 401 invalid_credentials for an unknown user and a wrong password', async () => {
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users, Key: { username: 'alice' } }).resolves({
      Item: alice,
    });
    ddb.on(GetCommand, { TableName: TABLE_NAMES.users, Key: { username: 'mallory' } }).resolves({});

    const wrongPassword = await login({ username: 'alice', password: 'wrong horse' });
    const unknownUser = await login({ username: 'mallory', password: 'correct horse' });

    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.json).toEqual({
      error: 'invalid_credentials',
      message: expect.any(String),
    });
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.body).toBe(wrongPassword.body);
    expect(wrongPassword.headers['WWW-Authenticate']).toBeUndefined();
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it.each([
    ['malformed JSON', 'not json'],
    ['a missing password', { username: 'alice' }],
    ['a boolean password', { username: 'alice', password: true }],
    ['a body over 16 KiB', { username: 'alice', password: 'p'.repeat(20_000) }],
  ])('returns 400 invalid_request and reads or writes nothing for %s', async (_, body) => {
    const response = await login(body);

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 unavailable when the Users table cannot be read', async () => {
    ddb.on(GetCommand).rejects(networkError());

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(503);
    expect(response.json).toEqual({ error: 'unavailable', message: expect.any(String) });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns 503 unavailable when the session cannot be stored', async () => {
    ddb.on(GetCommand).resolves({ Item: alice });
    ddb.on(PutCommand).rejects(networkError());

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(503);
    expect(response.body).not.toContain('access_token');
  });

  it('returns 500 internal_error without internals for a corrupt stored hash', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...alice, passwordHash: 'md5$deadbeef' } });

    const response = await login({ username: 'alice', password: 'correct horse' });

    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: 'internal_error',
      message: 'An unexpected error occurred.',
    });
    expect(response.body).not.toMatch(/hash|format|md5/i);
  });
});
