/** POST /auth/password: 204 and other sessions revoked, 401 invalid_credentials, 400, 503. */
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
  cheapHasher,
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
    userId: 'user-1',
    passwordHash: await hasher.hash('old password'),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

async function setup() {
  const current = await issueTokens(keyDir, { sub: 'user-1', sid: 's-current', username: 'alice' });
  const other = await issueTokens(keyDir, { sub: 'user-1', sid: 's-other', username: 'alice' });
  return { current, other };
}

const change = (context: Record<string, string>, body: unknown) =>
  call(handler, proxyEvent({ authorizer: context, body }));

describe('change-password handler', () => {
  it('returns 204, stores a new hash and revokes every other session but not the current one', async () => {
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
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    const newHash = String(update?.ExpressionAttributeValues?.[':next']);
    await expect(hasher.verify('new password!', newHash)).resolves.toBe(true);
    expect(update?.ExpressionAttributeValues?.[':previous']).toBe(user.passwordHash);
    const revoked = putItems(ddb, 'revokedTokens');
    expect(revoked.map((item) => item.jti).sort()).toEqual(
      [other.access.claims.jti, other.refresh.claims.jti].sort(),
    );
    expect(revoked.every((item) => item.reason === 'password_changed')).toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { userId: 'user-1', sessionId: 's-other' },
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
    expect(response.json).toEqual({ error: 'invalid_credentials', message: expect.any(String) });
    expect(response.headers['WWW-Authenticate']).toBeUndefined();
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns 401 invalid_credentials when a concurrent change replaced the hash first', async () => {
    const { current } = await setup();
    ddb.on(GetCommand).resolves({ Item: user });
    ddb.on(UpdateCommand).rejects(conditionFailed());

    const response = await change(authorizerContext(current), {
      current_password: 'old password',
      new_password: 'new password!',
    });

    expect(response.status).toBe(401);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it.each([
    ['malformed JSON', '{"current_password": "old password"'],
    ['a missing new_password', { current_password: 'old password' }],
    [
      'a new password of 7 characters',
      { current_password: 'old password', new_password: 'short12' },
    ],
    ['a numeric current_password', { current_password: 12345678, new_password: 'new password!' }],
  ])('returns 400 invalid_request and touches nothing for %s', async (_, body) => {
    const { current } = await setup();

    const response = await change(authorizerContext(current), body);

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
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
