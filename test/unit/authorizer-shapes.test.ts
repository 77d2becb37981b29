/**
 * One authorizer, four event shapes: a REST API's TOKEN and REQUEST events,
 * an HTTP API's payload 1.0 (answered with an IAM policy) and payload 2.0
 * (simple responses). Each gets the same decision, phrased as that API
 * expects it, and the same identity contract reaches the handler behind it.
 */
import type { Revocation } from '../../lambdas/auth/ports';
import { DENIED_CONTEXT_KEY } from '../../lambdas/contract/route-requirements';
import { UnavailableError } from '../../lambdas/errors';
import type { EventShape } from '../../lambdas/http/authorizer-events';
import { IDENTITY_KEYS, identityOf, RESERVED_CONTEXT_KEYS } from '../../lambdas/identity';
import { authorizerOverFakes } from '../support/authorizer';
import { authorizerEvent, integrationEvent, SHAPES } from '../support/authorizer-events';
import { forgeJwt, generateP256 } from '../support/keys';

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

/** The authorizer over the fakes; alice's pair carries a scope and two roles. */
const setup = () =>
  authorizerOverFakes({
    subject: { claims: { scope: 'notes:read notes:write', roles: ['editor', 'reader'] } },
  });

const REST_POLICY = (effect: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Action: 'execute-api:Invoke',
      Effect: effect,
      Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*',
    },
  ],
});

const HTTP_POLICY = (effect: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Action: 'execute-api:Invoke',
      Effect: effect,
      Resource: 'arn:aws:execute-api:eu-west-1:123456789012:def456/$default/*',
    },
  ],
});

describe('authorizer answers in the shape of its event', () => {
  it.each([
    [
      'rest-token',
      (context: object) => ({
        principalId: 'user-1',
        policyDocument: REST_POLICY('Allow'),
        context,
      }),
    ],
    [
      'rest-request',
      (context: object) => ({
        principalId: 'user-1',
        policyDocument: REST_POLICY('Allow'),
        context,
      }),
    ],
    [
      'http-1.0',
      (context: object) => ({
        principalId: 'user-1',
        policyDocument: HTTP_POLICY('Allow'),
        context,
      }),
    ],
    ['http-2.0', (context: object) => ({ isAuthorized: true, context })],
  ] as const)('allows a live token from a %s event with its identity', async (shape, expected) => {
    const { authorize, pair } = await setup();
    const { claims } = pair.access;

    const result = await authorize(authorizerEvent(shape, `Bearer ${pair.access.token}`));

    expect(result).toEqual(
      expected({
        sub: 'user-1',
        sid: 'session-1',
        jti: claims.jti,
        username: 'alice',
        exp: String(claims.exp),
        scope: 'notes:read notes:write',
        roles: 'editor,reader',
        amr: 'pwd',
      }),
    );
  });

  it.each(['rest-token', 'rest-request'] as const)(
    'refuses a revoked token from a %s event with Unauthorized (the REST API answers 401)',
    async (shape) => {
      const { authorize, pair, revokedTokens } = await setup();
      revokedTokens.items.set(pair.access.claims.jti, {} as Revocation);

      await expect(
        authorize(authorizerEvent(shape, `Bearer ${pair.access.token}`)),
      ).rejects.toThrow(/^Unauthorized$/);
    },
  );

  it('refuses a revoked token from an HTTP API payload 1.0 event with a Deny policy (403)', async () => {
    const { authorize, pair, revokedTokens } = await setup();
    revokedTokens.items.set(pair.access.claims.jti, {} as Revocation);

    const result = await authorize(authorizerEvent('http-1.0', `Bearer ${pair.access.token}`));

    expect(result).toEqual({ principalId: 'refused', policyDocument: HTTP_POLICY('Deny') });
  });

  it('refuses a revoked token from an HTTP API payload 2.0 event with isAuthorized false (403)', async () => {
    const { authorize, pair, revokedTokens } = await setup();
    revokedTokens.items.set(pair.access.claims.jti, {} as Revocation);

    const result = await authorize(authorizerEvent('http-2.0', `Bearer ${pair.access.token}`));

    expect(result).toEqual({ isAuthorized: false });
  });

  it.each(SHAPES)('refuses a token signed by another key in a %s event', async (shape) => {
    const { authorize, pair } = await setup();
    const [header = '', payload = ''] = pair.access.token.split('.');
    const forged = forgeJwt(
      JSON.parse(Buffer.from(header, 'base64url').toString()),
      JSON.parse(Buffer.from(payload, 'base64url').toString()),
      { alg: 'ES256', key: generateP256().privateKey },
    );

    const answer = authorize(authorizerEvent(shape, `Bearer ${forged}`));

    if (shape.startsWith('rest')) await expect(answer).rejects.toThrow(/^Unauthorized$/);
    else await expect(answer).resolves.not.toHaveProperty('context');
  });

  it.each(SHAPES)('fails closed on a %s event when revocations cannot be read', async (shape) => {
    const { authorize, pair, revokedTokens } = await setup();
    revokedTokens.isRevoked = async () => {
      throw new UnavailableError();
    };

    // Not Unauthorized: REST answers AUTHORIZER_FAILURE (503), an HTTP API 500.
    await expect(authorize(authorizerEvent(shape, `Bearer ${pair.access.token}`))).rejects.toThrow(
      /^Authorizer failure$/,
    );
  });

  it.each([
    ['no type', { methodArn: 'arn:aws:execute-api:r:1:a/s/GET/x' }],
    ['a REQUEST event with neither methodArn nor routeArn', { type: 'REQUEST', headers: {} }],
    [
      'an unknown payload version',
      { type: 'REQUEST', version: '3.0', methodArn: 'arn:x:y:z:1:a/s/GET/' },
    ],
    ['a method ARN without a stage', { type: 'TOKEN', methodArn: 'arn', authorizationToken: '' }],
  ])('fails closed on an event of no known shape: %s', async (_, event) => {
    const { authorize, pair } = await setup();
    const withToken = { ...event, authorizationToken: `Bearer ${pair.access.token}` };

    await expect(authorize(withToken as never)).rejects.toThrow(/^Authorizer failure$/);
  });

  it('reads the header whatever its case in a payload 1.0 event', async () => {
    const { authorize, pair } = await setup();
    const event = {
      ...authorizerEvent('http-1.0', undefined),
      headers: { aUtHoRiZaTiOn: `Bearer ${pair.access.token}` },
    };

    await expect(authorize(event)).resolves.toHaveProperty('principalId', 'user-1');
  });
});

describe('the identity contract', () => {
  it('uses flat keys without a colon and none of the names API Gateway reserves', () => {
    // Written out here, not read from lambdas/identity.ts: a name dropped from
    // that list would otherwise pass unnoticed.
    const reserved = [
      'claims',
      'error',
      'integrationLatency',
      'integrationStatus',
      'latency',
      'principalId',
      'status',
    ];
    expect([...RESERVED_CONTEXT_KEYS].sort()).toEqual([...reserved].sort());
    for (const key of [...IDENTITY_KEYS, DENIED_CONTEXT_KEY]) {
      expect(key).not.toContain(':');
      expect(reserved).not.toContain(key);
    }
  });

  it.each(SHAPES)('passes only string values in a %s event', async (shape) => {
    const { authorize, pair } = await setup();

    const result = await authorize(authorizerEvent(shape, `Bearer ${pair.access.token}`));

    const context = (result as { context: Record<string, unknown> }).context;
    expect(Object.keys(context).sort()).toEqual([...IDENTITY_KEYS].sort());
    for (const value of Object.values(context)) expect(typeof value).toBe('string');
  });

  it.each(SHAPES)(
    'reaches the handler behind a %s event through identityOf',
    async (shape: EventShape) => {
      const { authorize, pair } = await setup();
      const { claims } = pair.access;
      const result = await authorize(authorizerEvent(shape, `Bearer ${pair.access.token}`));
      const { context, principalId } = result as {
        context: Record<string, string>;
        principalId?: string;
      };

      expect(identityOf(integrationEvent(shape, context, principalId))).toEqual({
        sub: 'user-1',
        sid: 'session-1',
        jti: claims.jti,
        username: 'alice',
        exp: claims.exp,
        scope: ['notes:read', 'notes:write'],
        roles: ['editor', 'reader'],
        amr: ['pwd'],
      });
    },
  );
});
