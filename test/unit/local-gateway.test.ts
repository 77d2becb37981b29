/**
 * The in-process API Gateway, with fake handler modules injected: routing,
 * the proxy event, the authorizer in front of protected routes, and the
 * gateway's own answers from the shared definitions.
 */
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import { GATEWAY_RESPONSES } from '../../lambdas/contract/gateway-responses';
import { AUTHORIZER, type RouteSpec } from '../../lambdas/contract/routes';
import { createGateway, type GatewayResponse } from '../../local/gateway';
import { getWithAuthorization } from '../support/gateway';

const route = (
  overrides: Partial<RouteSpec> & Pick<RouteSpec, 'id' | 'method' | 'path'>,
): RouteSpec => ({
  auth: 'none',
  entry: `fake/${overrides.id}.ts`,
  tables: {},
  key: [],
  ...overrides,
});

const ROUTES: readonly RouteSpec[] = [
  route({ id: 'Login', method: 'POST', path: '/auth/login' }),
  route({ id: 'Me', method: 'GET', path: '/auth/me', auth: 'bearer' }),
  route({ id: 'Sessions', method: 'GET', path: '/auth/sessions', auth: 'bearer' }),
  route({
    id: 'DeleteSession',
    method: 'DELETE',
    path: '/auth/sessions/{session_id}',
    auth: 'bearer',
  }),
];

const allowPolicy = (resource: string, effect: 'Allow' | 'Deny' = 'Allow') => ({
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
});

const ALLOW_ALL: APIGatewayAuthorizerResult = {
  principalId: 'user-1',
  policyDocument: allowPolicy('arn:aws:execute-api:local:000000000000:local/local/*'),
  context: { sub: 'user-1', sid: 'session-1', username: 'alice', exp: 1767225600, admin: false },
};

/** Fake modules: each handler echoes the event it received. */
function harness(
  authorize: (event: APIGatewayTokenAuthorizerEvent) => Promise<unknown>,
  corsOrigins: readonly string[] = [],
) {
  const events: Record<string, APIGatewayProxyEvent> = {};
  const authorizerEvents: APIGatewayTokenAuthorizerEvent[] = [];
  const loads: string[] = [];
  const echo =
    (id: string) =>
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      events[id] = event;
      return { statusCode: 200, headers: { 'X-Route': id }, body: JSON.stringify({ route: id }) };
    };
  const modules: Record<string, unknown> = {
    [AUTHORIZER.entry]: async (event: APIGatewayTokenAuthorizerEvent) => {
      authorizerEvents.push(event);
      return authorize(event);
    },
    ...Object.fromEntries(ROUTES.map((spec) => [spec.entry, echo(spec.id)])),
  };
  const gateway = createGateway({
    routes: ROUTES,
    corsOrigins,
    loadModule: async (entry) => {
      loads.push(entry);
      if (!(entry in modules)) throw new Error(`no module ${entry}`);
      return { handler: modules[entry] };
    },
  });
  return { gateway, events, authorizerEvents, loads, modules };
}

const json = (response: GatewayResponse) => JSON.parse(response.body) as Record<string, unknown>;

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('createGateway routing', () => {
  it('calls the handler of the matching route with a REST proxy event', async () => {
    const { gateway, events } = harness(async () => ALLOW_ALL);

    const response = await gateway.handle({
      method: 'POST',
      path: '/auth/login',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'curl/8' },
      body: '{"username":"alice"}',
      query: { next: '/home' },
      sourceIp: '203.0.113.7',
    });

    expect(response.status).toBe(200);
    expect(json(response)).toEqual({ route: 'Login' });
    expect(response.headers['X-Route']).toBe('Login');
    const event = events.Login;
    expect(event).toMatchObject({
      httpMethod: 'POST',
      path: '/auth/login',
      resource: '/auth/login',
      body: '{"username":"alice"}',
      isBase64Encoded: false,
      pathParameters: null,
      queryStringParameters: { next: '/home' },
      multiValueQueryStringParameters: { next: ['/home'] },
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'curl/8' },
      multiValueHeaders: { 'Content-Type': ['application/json'], 'User-Agent': ['curl/8'] },
      requestContext: {
        httpMethod: 'POST',
        resourcePath: '/auth/login',
        stage: 'local',
        authorizer: null,
        identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8' },
      },
    });
    expect(event?.requestContext.requestId).toEqual(expect.any(String));
    expect(response.headers['x-amzn-RequestId']).toBe(event?.requestContext.requestId);
  });

  it('turns a path template segment into a decoded path parameter', async () => {
    const { gateway, events } = harness(async () => ALLOW_ALL);

    const response = await gateway.handle({
      method: 'DELETE',
      path: '/auth/sessions/abc%2Ddef',
      headers: { Authorization: 'Bearer h.p.s' },
    });

    expect(response.status).toBe(200);
    expect(events.DeleteSession?.pathParameters).toEqual({ session_id: 'abc-def' });
    expect(events.DeleteSession?.resource).toBe('/auth/sessions/{session_id}');
    expect(events.Sessions).toBeUndefined();
  });

  it.each([
    ['an unknown path', 'GET', '/nowhere'],
    ['a known path with another method', 'GET', '/auth/login'],
    ['a path parameter left empty', 'DELETE', '/auth/sessions/'],
    ['an extra segment', 'GET', '/auth/me/more'],
    ['a path of another route behind a double slash', 'GET', '//x/auth/me'],
    ['a route path with a doubled slash', 'GET', '/auth//me'],
  ])('returns 404 not_found for %s without loading any handler', async (_case, method, path) => {
    const { gateway, loads } = harness(async () => ALLOW_ALL);

    const response = await gateway.handle({
      method,
      path,
      headers: { Authorization: 'Bearer h.p.s' },
    });

    expect(response.status).toBe(404);
    expect(json(response)).toEqual(GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN.body);
    expect(response.headers['Content-Type']).toBe('application/json');
    expect(loads).toEqual([]);
  });

  it('loads each handler module once and reuses it', async () => {
    const { gateway, loads } = harness(async () => ALLOW_ALL);

    await gateway.handle({ method: 'POST', path: '/auth/login' });
    await gateway.handle({ method: 'POST', path: '/auth/login' });

    expect(loads).toEqual(['fake/Login.ts']);
  });
});

describe('createGateway authorizer', () => {
  it('passes the authorizer context to the handler as strings, with principalId', async () => {
    const { gateway, events, authorizerEvents } = harness(async () => ALLOW_ALL);

    const response = await gateway.handle({
      method: 'GET',
      path: '/auth/me',
      headers: { authorization: 'Bearer abc.def.ghi' },
    });

    expect(response.status).toBe(200);
    expect(authorizerEvents).toEqual([
      {
        type: 'TOKEN',
        authorizationToken: 'Bearer abc.def.ghi',
        methodArn: 'arn:aws:execute-api:local:000000000000:local/local/GET/auth/me',
      },
    ]);
    expect(events.Me?.requestContext.authorizer).toEqual({
      sub: 'user-1',
      sid: 'session-1',
      username: 'alice',
      exp: '1767225600',
      admin: 'false',
      principalId: 'user-1',
    });
  });

  it('returns 401 with WWW-Authenticate and never calls the authorizer when Authorization is missing', async () => {
    const { gateway, authorizerEvents, events } = harness(async () => ALLOW_ALL);

    const response = await gateway.handle({ method: 'GET', path: '/auth/me' });

    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    expect(json(response)).toEqual(GATEWAY_RESPONSES.UNAUTHORIZED.body);
    expect(authorizerEvents).toEqual([]);
    expect(events.Me).toBeUndefined();
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['no scheme', 'h.p.s'],
    ['a token that is not three segments', 'Bearer opaque-token'],
    ['characters outside base64url', 'Bearer h.p.s+'],
    ['a second token', 'Bearer a.b.c d.e.f'],
  ])(
    'answers 401 to %s without running the authorizer (its validation expression)',
    async (_case, header) => {
      const { gateway, authorizerEvents, loads } = harness(async () => ALLOW_ALL);

      const response = await gateway.handle({
        method: 'GET',
        path: '/auth/me',
        headers: { Authorization: header },
      });

      expect(response.status).toBe(401);
      expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
      expect(json(response)).toEqual(GATEWAY_RESPONSES.UNAUTHORIZED.body);
      expect(authorizerEvents).toEqual([]);
      expect(loads).toEqual([]);
    },
  );

  it('runs the authorizer for any bearer JWT shape, whatever the case of the scheme', async () => {
    const { gateway, authorizerEvents } = harness(async () => ALLOW_ALL);

    const response = await getWithAuthorization(gateway, '/auth/me', 'bEARER eyJh.eyJz.c2ln');

    expect(response.status).toBe(200);
    expect(authorizerEvents.map((event) => event.authorizationToken)).toEqual([
      'bEARER eyJh.eyJz.c2ln',
    ]);
  });

  it('returns 401 with WWW-Authenticate when the authorizer throws Unauthorized', async () => {
    const { gateway, events } = harness(async () => {
      throw new Error('Unauthorized');
    });

    const response = await getWithAuthorization(gateway, '/auth/me', 'Bearer revoked.p.s');

    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    expect(json(response)).toEqual({
      error: 'invalid_token',
      message: GATEWAY_RESPONSES.UNAUTHORIZED.body.message,
    });
    expect(events.Me).toBeUndefined();
  });

  it('returns 403 when the policy denies the method', async () => {
    const { gateway, events } = harness(async () => ({
      ...ALLOW_ALL,
      policyDocument: allowPolicy('arn:aws:execute-api:local:000000000000:local/local/*', 'Deny'),
    }));

    const response = await getWithAuthorization(gateway, '/auth/me', 'Bearer h.p.s');

    expect(response.status).toBe(403);
    expect(json(response)).toEqual(GATEWAY_RESPONSES.ACCESS_DENIED.body);
    expect(events.Me).toBeUndefined();
  });

  it('returns 403 when the Allow policy does not cover the method ARN', async () => {
    const { gateway, events } = harness(async () => ({
      ...ALLOW_ALL,
      policyDocument: allowPolicy('arn:aws:execute-api:local:000000000000:local/local/GET/auth/me'),
    }));

    const allowed = await getWithAuthorization(gateway, '/auth/me', 'Bearer h.p.s');
    const denied = await getWithAuthorization(gateway, '/auth/sessions', 'Bearer h.p.s');

    expect(allowed.status).toBe(200);
    expect(denied.status).toBe(403);
    expect(events.Sessions).toBeUndefined();
  });

  it('returns 503 unavailable when the authorizer crashes', async () => {
    const { gateway, events } = harness(async () => {
      throw new Error('DynamoDB unreachable at 127.0.0.1:1');
    });

    const response = await getWithAuthorization(gateway, '/auth/me', 'Bearer h.p.s');

    expect(response.status).toBe(503);
    expect(json(response)).toEqual(GATEWAY_RESPONSES.AUTHORIZER_FAILURE.body);
    expect(response.body).not.toContain('DynamoDB');
    expect(events.Me).toBeUndefined();
  });

  it('returns 503 when the authorizer answers something that is not a policy', async () => {
    const { gateway, events } = harness(async () => ({ principalId: 'user-1' }));

    const response = await getWithAuthorization(gateway, '/auth/me', 'Bearer h.p.s');

    expect(response.status).toBe(503);
    expect(events.Me).toBeUndefined();
  });
});

describe('createGateway integration responses', () => {
  it('sends nosniff and no-store with each of its own answers (401, 404, 502, 503)', async () => {
    const { gateway, modules } = harness(async () => {
      throw new Error('store down');
    });
    modules['fake/Login.ts'] = async () => {
      throw new Error('crash');
    };

    const answers = [
      await gateway.handle({ method: 'GET', path: '/auth/me' }),
      await gateway.handle({ method: 'GET', path: '/nowhere' }),
      await gateway.handle({ method: 'POST', path: '/auth/login' }),
      await getWithAuthorization(gateway, '/auth/me', 'Bearer h.p.s'),
    ];

    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 502, 503]);
    for (const answer of answers) {
      expect(answer.headers).toMatchObject({
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
    }
  });

  it('returns 502 internal_error without internals when the handler throws', async () => {
    const { gateway, modules } = harness(async () => ALLOW_ALL);
    modules['fake/Login.ts'] = async () => {
      throw new Error('secret stack detail at /var/task/index.js:42');
    };

    const response = await gateway.handle({ method: 'POST', path: '/auth/login' });

    expect(response.status).toBe(502);
    expect(json(response)).toEqual(GATEWAY_RESPONSES.DEFAULT_5XX.body);
    expect(response.body).not.toContain('secret');
  });

  it('returns 502 when the handler module cannot be loaded', async () => {
    const { gateway, modules } = harness(async () => ALLOW_ALL);
    delete modules['fake/Login.ts'];

    const response = await gateway.handle({ method: 'POST', path: '/auth/login' });

    expect(response.status).toBe(502);
    expect(response.body).not.toContain('no module');
  });

  it('returns 502 when the handler answers a malformed proxy result', async () => {
    const { gateway, modules } = harness(async () => ALLOW_ALL);
    modules['fake/Login.ts'] = async () => ({ body: 'no status' });

    const response = await gateway.handle({ method: 'POST', path: '/auth/login' });

    expect(response.status).toBe(502);
  });

  it('keeps the status, headers and body of the handler result', async () => {
    const { gateway, modules } = harness(async () => ALLOW_ALL);
    modules['fake/Login.ts'] = async () => ({
      statusCode: 204,
      headers: { 'Cache-Control': 'no-store' },
      body: '',
    });

    const response = await gateway.handle({ method: 'POST', path: '/auth/login' });

    expect(response).toMatchObject({
      status: 204,
      body: '',
      headers: { 'Cache-Control': 'no-store' },
    });
  });
});

describe('createGateway CORS', () => {
  const APP = 'http://localhost:5173';
  const refuse = async () => {
    throw new Error('Unauthorized');
  };

  it('answers a preflight for a known path with the shared CORS policy', async () => {
    const { gateway, loads } = harness(refuse, [APP]);

    const response = await gateway.handle({
      method: 'OPTIONS',
      path: '/auth/sessions/abc',
      headers: { Origin: APP, 'Access-Control-Request-Method': 'DELETE' },
    });

    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Max-Age': '3600',
      Vary: 'Origin',
    });
    expect(response.headers['Access-Control-Allow-Methods']?.split(', ')).toEqual(
      expect.arrayContaining(['GET', 'POST', 'DELETE', 'OPTIONS']),
    );
    expect(loads).toEqual([]);
  });

  it('puts the allowed origin on the gateway’s own answers', async () => {
    const { gateway } = harness(refuse, [APP]);

    const response = await gateway.handle({
      method: 'GET',
      path: '/auth/me',
      headers: { Origin: APP, Authorization: 'Bearer revoked.p.s' },
    });

    expect(response.status).toBe(401);
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After',
    });
  });

  it('allows no other origin', async () => {
    const { gateway } = harness(refuse, [APP]);

    const preflight = await gateway.handle({
      method: 'OPTIONS',
      path: '/auth/login',
      headers: { Origin: 'https://evil.example' },
    });

    expect(preflight.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(preflight.headers).not.toHaveProperty('Access-Control-Allow-Methods');
  });

  it('answers OPTIONS like any unknown method when no origin is configured', async () => {
    const { gateway } = harness(refuse);

    const response = await gateway.handle({
      method: 'OPTIONS',
      path: '/auth/login',
      headers: { Origin: APP },
    });

    expect(response.status).toBe(404);
    expect(response.headers).not.toHaveProperty('Access-Control-Allow-Origin');
  });
});

describe('the authorizer context of a Deny', () => {
  it('reaches the gateway response, as $context.authorizer.* does in API Gateway', async () => {
    const seen: unknown[] = [];
    const gateway = createGateway({
      routes: ROUTES,
      loadModule: async () => ({
        handler: async () => ({
          ...ALLOW_ALL,
          policyDocument: allowPolicy(
            'arn:aws:execute-api:local:000000000000:local/local/*',
            'Deny',
          ),
          context: { sub: 'user-1', denied: 'insufficient_user_authentication' },
        }),
      }),
      respond: (type, options = {}) => {
        seen.push([type, options.authorizer]);
        return { status: 403, headers: {}, body: '' };
      },
    });

    await getWithAuthorization(gateway, '/auth/me', 'Bearer h.p.s');

    expect(seen).toEqual([
      [
        'ACCESS_DENIED',
        { sub: 'user-1', denied: 'insufficient_user_authentication', principalId: 'user-1' },
      ],
    ]);
  });
});
