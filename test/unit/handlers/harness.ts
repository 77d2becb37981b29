/**
 * Shared setup of the handler unit tests: REST proxy events as API Gateway
 * sends them, the call of a handler built over a fake runtime
 * (test/support/fake-runtime.ts), a fresh runtime and handler for each test,
 * and a user with a password.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { UserRecord } from '../../../lambdas/auth/ports';
import { newId } from '../../../lambdas/clock';
import { fakeRuntime } from '../../support/fake-runtime';

export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export const lambdaContext = { awsRequestId: 'test-request' } as Context;

export interface EventOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  authorizer?: Record<string, string>;
  pathParameters?: Record<string, string>;
  sourceIp?: string;
  userAgent?: string;
}

/** A REST proxy event; an object body is JSON-encoded with its content type. */
export function proxyEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | null = null;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return {
    body,
    headers,
    multiValueHeaders: {},
    httpMethod: options.method ?? 'POST',
    isBase64Encoded: false,
    path: '/',
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/',
    requestContext: {
      authorizer: options.authorizer ?? null,
      identity: {
        sourceIp: options.sourceIp ?? '203.0.113.7',
        userAgent: options.userAgent ?? 'jest-agent/1.0',
      },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** Calls the handler and parses its JSON body. */
export async function call(handler: ProxyHandler, event: APIGatewayProxyEvent) {
  const response = await handler(event, lambdaContext);
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: response.body,
    json: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined,
  };
}

/** Silences the handlers' log lines for the test file. */
export function quietLogs(): void {
  beforeAll(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());
}

/**
 * A value made afresh before each test of the file by `make`, read through
 * the stand-in returned (a handler can be called through it), as a `let`
 * reassigned in `beforeEach` would be. The values are made in the order of
 * the calls, so a later one may read an earlier one:
 * `const fake = freshEachTest(fakeRuntime)`, then
 * `const handler = freshEachTest(() => createLogoutHandler(fake.runtime))`.
 */
export function freshEachTest<T extends object>(make: () => T | Promise<T>): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await make();
  });
  const now = (): T => {
    if (current === undefined) throw new Error('freshEachTest: read before the first test began');
    return current;
  };
  // A function as the target, so that the stand-in of a handler can be called.
  return new Proxy((() => undefined) as unknown as T, {
    get: (_, key) => Reflect.get(now(), key),
    has: (_, key) => Reflect.has(now(), key),
    apply: (_, self, args) => Reflect.apply(now() as (...a: unknown[]) => unknown, self, args),
  });
}

/**
 * Alice's user record with the hash of `password`, hashed once before the
 * file's first test (the hash is slow on purpose); each test creates her in
 * its own world.
 */
export function userWithPassword(password: string): UserRecord {
  const user: UserRecord = {
    username: 'alice',
    userId: newId(),
    passwordHash: '',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  beforeAll(async () => {
    user.passwordHash = await (await fakeRuntime()).world.passwords.hash(password);
  });
  return user;
}
