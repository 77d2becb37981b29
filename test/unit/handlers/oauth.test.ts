/**
 * The OAuth handlers' HTTP mapping on a mocked DynamoDB: revoke answers 200
 * with an empty body and uses only the actions its route is granted, a store
 * failure is 503 (never a 200 that revoked nothing, never an `active: true`),
 * and introspection reads revocations with ConsistentRead. The rules
 * themselves are tested on the fakes (test/unit/auth/oauth.test.ts).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { newId } from '../../../lambdas/clock';
import {
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
let revoke: ProxyHandler;
let introspect: ProxyHandler;
let keyDir: string;

beforeAll(async () => {
  ({
    keyDir,
    handlers: { 'oauth-revoke': revoke, 'oauth-introspect': introspect },
  } = await loadHandlers('oauth-revoke', 'oauth-introspect'));
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

const subject = { sub: newId(), sid: newId(), username: 'alice' };
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const formEvent = (fields: Record<string, string>) =>
  proxyEvent({ body: new URLSearchParams(fields).toString(), headers: FORM });

describe('revoke handler', () => {
  it('returns 200 with an empty body and uses only the granted actions', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await call(revoke, formEvent({ token: pair.refresh.token }));

    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 2);
    expectOnlyGrantedActions(ddb, 'OAuthRevoke');
  });

  it('returns 200 for a malformed token without touching the store', async () => {
    const response = await call(revoke, formEvent({ token: 'not.a.token' }));

    expect(response.status).toBe(200);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 when the revocation cannot be written', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(pair) });
    ddb.on(PutCommand).rejects(networkError());

    const response = await call(revoke, formEvent({ token: pair.access.token }));

    expect(response.status).toBe(503);
    expect(response.json).toMatchObject({ error: 'unavailable' });
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });
});

describe('introspect handler', () => {
  it('reads the revocation with ConsistentRead and describes a live access token', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetItemCommand).resolves({});

    const response = await call(introspect, formEvent({ token: pair.access.token }));

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ active: true, sub: subject.sub, username: 'alice' });
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, {
      Key: { jti: { S: pair.access.claims.jti } },
      ConsistentRead: true,
    });
    expectOnlyGrantedActions(ddb, 'OAuthIntrospect');
  });

  it('returns 503, not active: true, when revocations cannot be read', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).rejects(networkError());

    const response = await call(introspect, formEvent({ token: pair.access.token }));

    expect(response.status).toBe(503);
    expect(response.json).toMatchObject({ error: 'unavailable' });
  });
});
