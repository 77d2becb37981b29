/** POST /auth/register: 201, 400 with nothing written, 409, 503, and 404 when signup is closed. */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ENV } from '../../../lambdas/config';
import {
  CHEAP_SCRYPT_LOG2_N,
  call,
  conditionFailed,
  expectOnlyGrantedActions,
  loadHandlers,
  networkError,
  type ProxyHandler,
  proxyEvent,
  putItems,
} from './harness';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: ProxyHandler;

beforeAll(async () => {
  ({
    handlers: { register: handler },
  } = await loadHandlers('register'));
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

const register = (body: unknown, headers?: Record<string, string>) =>
  call(handler, proxyEvent({ body, ...(headers ? { headers } : {}) }));

describe('register handler', () => {
  it('returns 201 with the user id and the normalised username, storing a scrypt hash', async () => {
    ddb.on(PutCommand).resolves({});

    const response = await register({ username: '  ＡＬＩＣＥ ', password: 'correct horse' });

    expect(response.status).toBe(201);
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(response.json).toEqual({ user_id: expect.any(String), username: 'alice' });
    const [item] = putItems(ddb, 'users');
    expect(item).toEqual({
      username: 'alice',
      userId: response.json?.user_id,
      passwordHash: expect.stringMatching(
        new RegExp(`^scrypt\\$N=${2 ** Number(CHEAP_SCRYPT_LOG2_N)},r=8,p=1\\$`),
      ),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(item)).not.toContain('correct horse');
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(#key)',
    });
    expectOnlyGrantedActions(ddb, 'Register');
  });

  it.each([
    ['malformed JSON', '{"username": "alice",'],
    ['a JSON array', '[1, 2]'],
    ['a missing password', { username: 'alice' }],
    ['a missing username', { password: 'long enough' }],
    ['a number as username', { username: 42, password: 'long enough' }],
    ['a username of 2 characters', { username: ' Al ', password: 'long enough' }],
    ['a username of 65 characters', { username: 'a'.repeat(65), password: 'long enough' }],
    ['a password of 7 characters', { username: 'alice', password: '1234567' }],
    ['a password of 257 characters', { username: 'alice', password: 'p'.repeat(257) }],
    ['a body over 16 KiB', { username: 'alice', password: 'long enough', pad: 'x'.repeat(17000) }],
  ])('returns 400 invalid_request and writes nothing for %s', async (_, body) => {
    const response = await register(body);

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('names the offending field in the 400 message', async () => {
    const response = await register({ username: 'alice', password: 12345678 });

    expect(response.json?.message).toContain('password');
  });

  it('returns 400 when the body is not sent as JSON', async () => {
    const response = await register('username=alice&password=long+enough', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });

    expect(response.status).toBe(400);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns 409 username_taken when the conditional put fails', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());

    const response = await register({ username: 'Alice', password: 'long enough' });

    expect(response.status).toBe(409);
    expect(response.json).toEqual({ error: 'username_taken', message: expect.any(String) });
  });

  it('returns 503 unavailable without internals when DynamoDB cannot be reached', async () => {
    ddb.on(PutCommand).rejects(networkError());

    const response = await register({ username: 'alice', password: 'long enough' });

    expect(response.status).toBe(503);
    expect(response.json).toEqual({ error: 'unavailable', message: expect.any(String) });
    expect(response.body).not.toMatch(/ECONNREFUSED|DynamoDB|PutItem/);
  });
});

describe('register handler with SIGNUP_OPEN=false', () => {
  it('returns 404 not_found and writes nothing', async () => {
    let closed: ProxyHandler | undefined;
    process.env[ENV.signupOpen] = 'false';
    try {
      await jest.isolateModulesAsync(async () => {
        ({ handler: closed } = await import('../../../lambdas/handlers/register'));
      });
    } finally {
      delete process.env[ENV.signupOpen];
    }

    const response = await call(
      closed as ProxyHandler,
      proxyEvent({ body: { username: 'alice', password: 'long enough' } }),
    );

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'not_found', message: expect.any(String) });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});
