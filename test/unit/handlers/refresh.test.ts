/**
 * POST /auth/refresh: rotation under the Sessions item's conditional update,
 * the grace window for the lost race, reuse detection, and every refusal as
 * 401 invalid_token.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { newId } from '../../../lambdas/clock';
import { CLOCK_TOLERANCE_SECONDS } from '../../../lambdas/tokens/claims';
import { claimsOfToken, decodeJwt, forgeJwt, generateP256 } from '../../support/keys';
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
  TABLE_NAMES,
} from './harness';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: ProxyHandler;
let keyDir: string;

beforeAll(async () => {
  ({
    keyDir,
    handlers: { refresh: handler },
  } = await loadHandlers('refresh'));
});

afterEach(() => ddb.reset());
afterAll(() => jest.restoreAllMocks());

const subject = { sub: newId(), sid: newId(), username: 'alice' };
const refresh = (body: unknown) => call(handler, proxyEvent({ body }));

function expectInvalidToken(response: Awaited<ReturnType<typeof refresh>>) {
  expect(response.status).toBe(401);
  expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.json).toEqual({ error: 'invalid_token', message: expect.any(String) });
}

describe('refresh handler', () => {
  it('returns 200 with a new pair, revokes the old pair as rotated and keeps the session end', async () => {
    const pair = await issueTokens(keyDir, subject);
    const session = sessionItem(pair);
    ddb.on(GetCommand, { TableName: TABLE_NAMES.sessions }).resolves({ Item: session });
    ddb.on(GetItemCommand, { TableName: TABLE_NAMES.revokedTokens }).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    const response = await refresh({ refresh_token: pair.refresh.token });

    expect(response.status).toBe(200);
    // The pair was issued as JWTs (before the upgrade); its successor's refresh token is opaque.
    expect(String(response.json?.refresh_token)).toMatch(/^rt1\./);
    const next = claimsOfToken(String(response.json?.refresh_token));
    const nextAccess = decodeJwt(String(response.json?.access_token)).payload;
    expect(next.exp).toBe(session.expiresAt);
    expect(next.jti).not.toBe(pair.refresh.claims.jti);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { userId: subject.sub, sessionId: subject.sid },
      ConditionExpression: 'refreshJti = :previous',
      ExpressionAttributeValues: expect.objectContaining({
        ':previous': pair.refresh.claims.jti,
        ':refreshJti': next.jti,
        ':accessJti': nextAccess.jti,
        ':lastRotation': {
          previousRefreshJti: pair.refresh.claims.jti,
          refreshJti: next.jti,
          issuedAt: nextAccess.iat,
          rotatedAt: expect.any(Number),
        },
      }),
    });
    // The old access token first: until the rotation it is the one the session names.
    expect(putItems(ddb, 'revokedTokens')).toEqual([
      expect.objectContaining({
        jti: pair.access.claims.jti,
        tokenUse: 'access',
        reason: 'rotated',
      }),
      expect.objectContaining({
        jti: pair.refresh.claims.jti,
        tokenUse: 'refresh',
        reason: 'rotated',
        expiresAt: pair.refresh.claims.exp + CLOCK_TOLERANCE_SECONDS,
        sub: subject.sub,
        sid: subject.sid,
        ip: '203.0.113.7',
        userAgent: 'jest-agent/1.0',
        revokedAt: expect.any(String),
      }),
    ]);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    expectOnlyGrantedActions(ddb, 'Refresh');
  });

  it('returns 401 and ends the whole session when a rotated refresh token is reused', async () => {
    const rotatedAway = await issueTokens(keyDir, subject);
    const current = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({ Item: sessionItem(current) });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    const response = await refresh({ refresh_token: rotatedAway.refresh.token });

    expectInvalidToken(response);
    const revoked = putItems(ddb, 'revokedTokens');
    expect(revoked.map((item) => item.jti)).toEqual(
      expect.arrayContaining([current.access.claims.jti, current.refresh.claims.jti]),
    );
    expect(revoked.every((item) => item.reason === 'reuse_detected')).toBe(true);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { userId: subject.sub, sessionId: subject.sid },
    });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('returns the winner’s pair when another refresh with the token rotated first (grace window)', async () => {
    const pair = await issueTokens(keyDir, subject);
    const winner = await issueTokens(keyDir, subject);
    const rotated = sessionItem(winner, {
      lastRotation: {
        previousRefreshJti: pair.refresh.claims.jti,
        refreshJti: winner.refresh.claims.jti,
        issuedAt: winner.access.claims.iat,
        rotatedAt: Date.now(),
      },
    });
    ddb
      .on(GetCommand, { TableName: TABLE_NAMES.sessions })
      .resolvesOnce({ Item: sessionItem(pair) })
      .resolves({ Item: rotated });
    ddb.on(GetItemCommand, { TableName: TABLE_NAMES.revokedTokens }).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).rejects(conditionFailed());

    const response = await refresh({ refresh_token: pair.refresh.token });

    expect(response.status).toBe(200);
    const access = decodeJwt(String(response.json?.access_token)).payload;
    const next = decodeJwt(String(response.json?.refresh_token)).payload;
    expect(access).toEqual(winner.access.claims);
    expect(next).toEqual(winner.refresh.claims);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('returns 401 when the session was revoked between the read and the rotation', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb
      .on(GetCommand, { TableName: TABLE_NAMES.sessions })
      .resolvesOnce({ Item: sessionItem(pair) })
      .resolves({});
    ddb.on(GetItemCommand, { TableName: TABLE_NAMES.revokedTokens }).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).rejects(conditionFailed());

    const response = await refresh({ refresh_token: pair.refresh.token });

    expectInvalidToken(response);
    expect(response.body).not.toContain('access_token');
  });

  it('returns 401 and rotates nothing when the current refresh token is already revoked', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand, { TableName: TABLE_NAMES.sessions }).resolves({ Item: sessionItem(pair) });
    ddb
      .on(GetItemCommand, { TableName: TABLE_NAMES.revokedTokens })
      .resolves({ Item: { jti: { S: pair.refresh.claims.jti } } });

    expectInvalidToken(await refresh({ refresh_token: pair.refresh.token }));
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('returns 401 when the session no longer exists', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).resolves({});
    ddb.on(GetItemCommand).resolves({});

    expectInvalidToken(await refresh({ refresh_token: pair.refresh.token }));
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns 401 for an access token presented as a refresh token', async () => {
    const pair = await issueTokens(keyDir, subject);

    expectInvalidToken(await refresh({ refresh_token: pair.access.token }));
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 401 for a token signed with another key', async () => {
    const pair = await issueTokens(keyDir, subject);
    const { header, payload } = decodeJwt(pair.refresh.token);
    const forged = forgeJwt(header, payload, { alg: 'ES256', key: generateP256().privateKey });

    expectInvalidToken(await refresh({ refresh_token: forged }));
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', '{"refresh_token":'],
    ['a missing refresh_token', {}],
    ['a numeric refresh_token', { refresh_token: 7 }],
    ['an empty refresh_token', { refresh_token: '' }],
  ])('returns 400 invalid_request and touches nothing for %s', async (_, body) => {
    const response = await refresh(body);

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('returns 503 unavailable when the session cannot be read', async () => {
    const pair = await issueTokens(keyDir, subject);
    ddb.on(GetCommand).rejects(networkError());

    const response = await refresh({ refresh_token: pair.refresh.token });

    expect(response.status).toBe(503);
    expect(response.json).toEqual({ error: 'unavailable', message: expect.any(String) });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});
