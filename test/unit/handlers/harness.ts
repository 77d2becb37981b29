/**
 * Shared setup of the handler unit tests: REST proxy events as API Gateway
 * sends them, and the call of a handler built over a fake runtime
 * (test/support/fake-runtime.ts).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

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
