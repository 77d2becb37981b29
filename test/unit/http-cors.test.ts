/**
 * CORS on the handlers' own answers: with origins configured, a browser on an
 * allowed origin can read successes and errors alike; nothing changes without.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ENV, readFunctionSettings } from '../../lambdas/config';
import { allowedOrigin } from '../../lambdas/contract/cors';
import { InvalidTokenError } from '../../lambdas/errors';
import { httpHandler } from '../../lambdas/http/handler';
import { json } from '../../lambdas/http/responses';

const context = { awsRequestId: 'request-1' } as Context;

function event(origin?: string): APIGatewayProxyEvent {
  return {
    headers: origin ? { Origin: origin } : {},
    requestContext: {},
  } as unknown as APIGatewayProxyEvent;
}

/** Builds handlers configured as CORS_ALLOWED_ORIGINS=`origins` would configure them. */
function handlersWith(origins: string | undefined) {
  const config = {
    corsOrigins:
      readFunctionSettings(origins === undefined ? {} : { [ENV.corsOrigins]: origins })
        .corsOrigins ?? [],
  };
  return {
    ok: httpHandler(config, async () => json(200, { ok: true })),
    refused: httpHandler(config, async () => {
      throw new InvalidTokenError('revoked');
    }),
  };
}

const call = (
  handler: ReturnType<typeof httpHandler>,
  origin?: string,
): Promise<APIGatewayProxyResult> => handler(event(origin), context);

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('CORS on handler responses', () => {
  it('allows a configured origin on a success', async () => {
    const { ok } = handlersWith('https://app.example.com, http://localhost:5173');

    const response = await call(ok, 'http://localhost:5173');

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'http://localhost:5173',
      Vary: 'Origin',
    });
  });

  it('allows a configured origin on an error and exposes WWW-Authenticate', async () => {
    const { refused } = handlersWith('https://app.example.com');

    const response = await call(refused, 'https://app.example.com');

    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After',
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  });

  it('allows no other origin', async () => {
    const { ok } = handlersWith('https://app.example.com');

    const response = await call(ok, 'https://evil.example.com');

    expect(response.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(response.headers).toMatchObject({ Vary: 'Origin' });
  });

  it('adds no CORS header when no origin is configured', async () => {
    const { ok, refused } = handlersWith(undefined);

    for (const response of [await call(ok, 'https://app.example.com'), await call(refused)]) {
      expect(response.headers).not.toHaveProperty('Access-Control-Allow-Origin');
      expect(response.headers).not.toHaveProperty('Vary');
    }
  });
});

describe('allowedOrigin', () => {
  it.each([
    [['*'], 'https://any.example', '*'],
    [['https://a.example'], 'https://a.example', 'https://a.example'],
    [['https://a.example'], 'https://a.example.evil', undefined],
    [['https://a.example'], undefined, undefined],
  ])('with %j allows %s as %s', (origins, origin, expected) => {
    expect(allowedOrigin(origins, origin)).toBe(expected);
  });
});
