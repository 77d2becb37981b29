/**
 * The HTTP adapter every handler uses: the JSON body reader, zod validation,
 * and the one error middleware (AuthError → the API's error body; anything else →
 * a generic 500 that leaks nothing).
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { SECURITY_HEADERS } from '../../lambdas/contract/headers';
import {
  InvalidCredentialsError,
  InvalidTokenError,
  NotFoundError,
  UnavailableError,
} from '../../lambdas/errors';
import { httpHandler, jsonHandler } from '../../lambdas/http/handler';
import { MAX_BODY_BYTES } from '../../lambdas/http/json-body';
import { authorizedCaller, clientInfo } from '../../lambdas/http/request';
import { json, noContent } from '../../lambdas/http/responses';
import { parseInput } from '../../lambdas/http/validation';

const context = { awsRequestId: 'req-1' } as Context;
let logged: string[];

beforeEach(() => {
  logged = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => logged.push(line));
  jest.spyOn(console, 'error').mockImplementation((line: string) => logged.push(line));
});
afterEach(() => jest.restoreAllMocks());

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '203.0.113.9', userAgent: 'agent' } },
    ...overrides,
  } as APIGatewayProxyEvent;
}

const NO_CORS = { corsOrigins: [] };

const echo = jsonHandler(NO_CORS, async (request) =>
  json(200, parseInput(z.object({ name: z.string() }), request.jsonBody)),
);

describe('jsonHandler body reading', () => {
  it('parses a JSON body with a charset parameter', async () => {
    const response = await echo(
      event({
        body: '{"name":"x"}',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      }),
      context,
    );

    expect(response).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS },
      body: '{"name":"x"}',
    });
  });

  it('decodes a base64-encoded body', async () => {
    const response = await echo(
      event({
        body: Buffer.from('{"name":"b64"}').toString('base64'),
        isBase64Encoded: true,
        headers: { 'Content-Type': 'application/json' },
      }),
      context,
    );

    expect(JSON.parse(response.body)).toEqual({ name: 'b64' });
  });

  it.each([
    ['malformed JSON', '{"name":', 'application/json'],
    ['a non-JSON content type', '{"name":"x"}', 'text/plain'],
    ['no content type', '{"name":"x"}', undefined],
    [
      'a body one byte over the limit',
      `{"name":"${'x'.repeat(MAX_BODY_BYTES)}"}`,
      'application/json',
    ],
    ['a field of the wrong type', '{"name":5}', 'application/json'],
    ['a missing field', '{}', 'application/json'],
  ])('returns 400 invalid_request for %s', async (_, body, contentType) => {
    const response = await echo(
      event({ body, headers: contentType ? { 'Content-Type': contentType } : {} }),
      context,
    );

    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual({ 'Content-Type': 'application/json', ...SECURITY_HEADERS });
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      message: expect.any(String),
    });
  });

  it('names the field in a validation error', async () => {
    const response = await echo(
      event({ body: '{"name":5}', headers: { 'Content-Type': 'application/json' } }),
      context,
    );

    expect(JSON.parse(response.body).message).toMatch(/"name"/);
  });
});

describe('httpErrorHandler', () => {
  const failing = (error: unknown) =>
    httpHandler(NO_CORS, async () => {
      throw error;
    });

  it('returns 401 invalid_token with the Bearer challenge for an InvalidTokenError', async () => {
    const response = await failing(new InvalidTokenError('expired'))(event(), context);

    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_token',
      message: 'The token is invalid, expired or revoked.',
    });
  });

  it('returns 401 invalid_credentials without a challenge', async () => {
    const response = await failing(new InvalidCredentialsError())(event(), context);

    expect(response.statusCode).toBe(401);
    expect(response.headers).not.toHaveProperty('WWW-Authenticate');
  });

  it('returns the status and code of any client error', async () => {
    const response = await failing(new NotFoundError('No such session.'))(event(), context);

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ error: 'not_found', message: 'No such session.' });
  });

  it('returns 503 with a generic message and logs the cause', async () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.1');
    const response = await failing(new UnavailableError('secret detail', { cause }))(
      event(),
      context,
    );

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({
      error: 'unavailable',
      message: 'The service is temporarily unavailable.',
    });
    expect(logged.join('\n')).toContain('ECONNREFUSED');
  });

  it('returns 500 internal_error without the message or stack of an unexpected error', async () => {
    const response = await failing(new TypeError('cannot read secretField of undefined'))(
      event(),
      context,
    );

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      error: 'internal_error',
      message: 'An unexpected error occurred.',
    });
    expect(response.body).not.toMatch(/secretField|TypeError|\bat\b/);
    expect(logged.join('\n')).toContain('secretField');
  });

  it('returns 500 for a thrown non-Error value', async () => {
    expect((await failing('boom')(event(), context)).statusCode).toBe(500);
  });
});

describe('responses', () => {
  it('answers 204 without a body or content type', () => {
    expect(noContent()).toEqual({ statusCode: 204, headers: { ...SECURITY_HEADERS }, body: '' });
  });

  it('sends nosniff and no-store with every JSON answer, and lets a public document override the cache', () => {
    expect(json(200, {}).headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    expect(json(200, {}, { 'Cache-Control': 'public, max-age=300' }).headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=300',
    });
  });
});

describe('request readers', () => {
  it('reads the client ip and user agent', () => {
    expect(clientInfo(event())).toEqual({ ip: '203.0.113.9', userAgent: 'agent' });
  });

  it('reads the authorizer context, whose values are strings', () => {
    const caller = authorizedCaller(
      event({
        requestContext: {
          authorizer: { sub: 'u', sid: 's', jti: 'j', username: 'alice', exp: '1767225600' },
        } as unknown as APIGatewayProxyEvent['requestContext'],
      }),
    );

    expect(caller).toEqual({
      userId: 'u',
      sessionId: 's',
      jti: 'j',
      username: 'alice',
      exp: 1767225600,
    });
  });
});
