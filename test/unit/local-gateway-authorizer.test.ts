/**
 * The emulated gateway with an injected authorizer definition and gateway
 * responses, as the deployment rehearsal passes them from a template: the
 * identity source header, the identity validation expression and the result
 * cache TTL are honoured; the gateway's own answers come from the responder.
 */
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import {
  createGateway,
  type GatewayAuthorizer,
  type GatewayResponder,
  type GatewayRoute,
} from '../../local/gateway';
import { getWithAuthorization } from '../support/gateway';

const ROUTES: GatewayRoute[] = [
  { id: 'Me', entry: 'MeFn', method: 'GET', path: '/me', auth: 'bearer' },
  { id: 'Put', entry: 'PutFn', method: 'PUT', path: '/items/{id}', auth: 'bearer' },
];

const ALLOW = {
  principalId: 'user-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: 'arn:aws:execute-api:local:000000000000:local/local/*',
      },
    ],
  },
  context: { sub: 'user-1' },
};

function harness(authorizer: Partial<GatewayAuthorizer> = {}, respond?: GatewayResponder) {
  const calls: APIGatewayTokenAuthorizerEvent[] = [];
  const gateway = createGateway({
    routes: ROUTES,
    authorizer: { id: 'Authorizer', entry: 'AuthorizerFn', ...authorizer },
    ...(respond ? { respond } : {}),
    loadModule: async (entry) => ({
      handler:
        entry === 'AuthorizerFn'
          ? async (event: APIGatewayTokenAuthorizerEvent) => {
              calls.push(event);
              if (event.authorizationToken.endsWith('bad')) throw new Error('Unauthorized');
              return ALLOW;
            }
          : async () => ({ statusCode: 200, body: JSON.stringify({ route: entry }) }),
    }),
  });
  return { gateway, calls };
}

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('an injected authorizer definition', () => {
  it('reads the token from its identity header', async () => {
    const { gateway, calls } = harness({ identityHeader: 'X-Token' });

    const missing = await gateway.handle({
      method: 'GET',
      path: '/me',
      headers: { Authorization: 'Bearer t' },
    });
    const given = await gateway.handle({
      method: 'GET',
      path: '/me',
      headers: { 'x-token': 'Bearer t' },
    });

    expect(missing.status).toBe(401);
    expect(given.status).toBe(200);
    expect(calls.map((event) => event.authorizationToken)).toEqual(['Bearer t']);
  });

  it('refuses a token that does not match the validation expression without calling the authorizer', async () => {
    const { gateway, calls } = harness({ validationExpression: 'Bearer [A-Za-z]+' });

    const refused = await getWithAuthorization(gateway, '/me', 'Basic abc');
    const partial = await getWithAuthorization(gateway, '/me', 'Bearer abc!');
    const matched = await getWithAuthorization(gateway, '/me', 'Bearer abc');

    expect([refused.status, partial.status, matched.status]).toEqual([401, 401, 200]);
    expect(calls).toHaveLength(1);
  });

  it('caches an Allow by token for the TTL, re-reading its policy for each route', async () => {
    const { gateway, calls } = harness({ resultTtlSeconds: 60 });
    const headers = { Authorization: 'Bearer t' };

    expect((await gateway.handle({ method: 'GET', path: '/me', headers })).status).toBe(200);
    expect((await gateway.handle({ method: 'PUT', path: '/items/1', headers })).status).toBe(200);
    expect(calls).toHaveLength(1);

    // Refusals are not cached: each bad token reaches the authorizer.
    const bad = { Authorization: 'Bearer bad' };
    expect((await gateway.handle({ method: 'GET', path: '/me', headers: bad })).status).toBe(401);
    expect((await gateway.handle({ method: 'GET', path: '/me', headers: bad })).status).toBe(401);
    expect(calls).toHaveLength(3);
  });

  it('calls the authorizer on every request without a TTL', async () => {
    const { gateway, calls } = harness();
    const headers = { Authorization: 'Bearer t' };

    await gateway.handle({ method: 'GET', path: '/me', headers });
    await gateway.handle({ method: 'GET', path: '/me', headers });

    expect(calls).toHaveLength(2);
  });

  it('answers with the injected responder, given the request headers', async () => {
    const respond: GatewayResponder = (type, options = {}) => ({
      status: type === 'UNAUTHORIZED' ? 499 : 498,
      headers: { 'X-Origin': options.headers?.Origin ?? '' },
      body: type,
    });
    const { gateway } = harness({}, respond);

    const response = await gateway.handle({
      method: 'GET',
      path: '/me',
      headers: { Origin: 'https://a.example' },
    });
    const unknown = await gateway.handle({ method: 'GET', path: '/nowhere' });

    expect(response).toEqual({
      status: 499,
      headers: { 'X-Origin': 'https://a.example' },
      body: 'UNAUTHORIZED',
    });
    expect(unknown.body).toBe('MISSING_AUTHENTICATION_TOKEN');
  });
});
