/**
 * Logs and metrics as an operator sees them: each outcome of the authorizer,
 * the HTTP routes and the revocations counts its metric (read back from the
 * embedded-metric-format lines Powertools writes), and no log line carries a
 * secret.
 */
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import type { Revocation } from '../../lambdas/auth/ports';
import { METRIC } from '../../lambdas/contract/metrics';
import {
  InvalidCredentialsError,
  InvalidRequestError,
  InvalidTokenError,
  MfaRequiredError,
  TooManyRequestsError,
  UnavailableError,
} from '../../lambdas/errors';
import { httpHandler } from '../../lambdas/http/handler';
import { log, startInvocation } from '../../lambdas/log';
import { countingRevocations } from '../../lambdas/revocation-metrics';
import { authorizerOverFakes } from '../support/authorizer';
import { authorizerEvent, SHAPES } from '../support/authorizer-events';
import { memoryRevokedTokenStore } from '../support/fakes';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/auth/me';

const lambdaContext = {
  awsRequestId: 'request-1',
  functionName: 'jwt-auth-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:jwt-auth-test',
  memoryLimitInMB: '256',
} as Context;

let stdout: jest.SpyInstance;

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

afterAll(() => {
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

beforeEach(() => {
  stdout = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

/** Every JSON line written to stdout or stderr. */
function lines(): Record<string, unknown>[] {
  const error = jest.mocked(console.error);
  return [...stdout.mock.calls, ...error.mock.calls].map(
    ([line]) => JSON.parse(String(line)) as Record<string, unknown>,
  );
}

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
  [key: string]: unknown;
}

/** The metrics written as EMF lines: name, value and dimensions. */
function metrics(): { name: string; value: unknown; dimensions: Record<string, unknown> }[] {
  return lines()
    .filter((line): line is EmfLine => '_aws' in line)
    .flatMap((line) => {
      const [directive] = line._aws.CloudWatchMetrics;
      const names = Object.keys(line).filter(
        (key) => key !== '_aws' && !directive?.Dimensions.flat().includes(key),
      );
      const dimensions = Object.fromEntries(
        (directive?.Dimensions.flat() ?? []).map((key) => [key, line[key]]),
      );
      return names.map((name) => ({ name, value: line[name], dimensions }));
    });
}

function emitted(name: string, dimensions: Record<string, string> = {}) {
  return {
    name,
    value: 1,
    dimensions: { service: 'serverless-jwt-auth', ...dimensions },
  };
}

describe('authorizer metrics', () => {
  async function setup(revokedTokens = memoryRevokedTokenStore()) {
    const { authorize, pair, world } = await authorizerOverFakes({ revokedTokens });
    const event = (token: string): APIGatewayTokenAuthorizerEvent => ({
      type: 'TOKEN',
      authorizationToken: `Bearer ${token}`,
      methodArn: METHOD_ARN,
    });
    return { authorize, pair, event, revokedTokens, world };
  }

  it('counts AuthorizerAllowed for a live token', async () => {
    const { authorize, pair, event } = await setup();
    await authorize(event(pair.access.token), lambdaContext);
    expect(metrics()).toEqual([emitted(METRIC.authorizerAllowed)]);
  });

  it('counts AuthorizerDenied by reason revoked for a revoked token', async () => {
    const { authorize, pair, event, revokedTokens } = await setup();
    revokedTokens.items.set(pair.access.claims.jti, {} as Revocation);
    await expect(authorize(event(pair.access.token), lambdaContext)).rejects.toThrow(
      'Unauthorized',
    );
    expect(metrics()).toEqual([emitted(METRIC.authorizerDenied, { reason: 'revoked' })]);
  });

  it('counts AuthorizerDenied by reason expired for an expired token', async () => {
    const { authorize, pair, event, world } = await setup();
    world.clock.advance(3 * 3600);
    await expect(authorize(event(pair.access.token))).rejects.toThrow('Unauthorized');
    expect(metrics()).toEqual([emitted(METRIC.authorizerDenied, { reason: 'expired' })]);
  });

  it('counts AuthorizerDenied by reason malformed for a token that is not a JWT', async () => {
    const { authorize, event } = await setup();
    await expect(authorize(event('not-a-jwt'))).rejects.toThrow('Unauthorized');
    expect(metrics()).toEqual([emitted(METRIC.authorizerDenied, { reason: 'malformed' })]);
  });

  it('counts AuthorizerDenied by reason bad_signature for a tampered signature', async () => {
    const { authorize, pair, event } = await setup();
    const [header, payload, signature = ''] = pair.access.token.split('.');
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(authorize(event(`${header}.${payload}.${flipped}`))).rejects.toThrow(
      'Unauthorized',
    );
    expect(metrics()).toEqual([emitted(METRIC.authorizerDenied, { reason: 'bad_signature' })]);
  });

  it('counts AuthorizerFailed and StoreUnavailable when revocations cannot be read', async () => {
    const store = memoryRevokedTokenStore();
    store.isRevoked = async () => {
      throw new UnavailableError();
    };
    const { authorize, pair, event } = await setup(store);
    await expect(authorize(event(pair.access.token))).rejects.toThrow('Authorizer failure');
    expect(metrics()).toEqual([emitted(METRIC.authorizerFailed), emitted(METRIC.storeUnavailable)]);
  });
});

describe('authorizer metrics in every event shape', () => {
  it.each(SHAPES)('counts the same metrics for a %s event', async (shape) => {
    const { authorize, pair, revokedTokens } = await authorizerOverFakes();
    const event = () => authorizerEvent(shape, `Bearer ${pair.access.token}`);

    await authorize(event());
    revokedTokens.items.set(pair.access.claims.jti, {} as Revocation);
    await authorize(event()).catch(() => undefined);
    revokedTokens.isRevoked = async () => {
      throw new UnavailableError();
    };
    await authorize(event()).catch(() => undefined);

    expect(metrics()).toEqual([
      emitted(METRIC.authorizerAllowed),
      emitted(METRIC.authorizerDenied, { reason: 'revoked' }),
      emitted(METRIC.authorizerFailed),
      emitted(METRIC.storeUnavailable),
    ]);
  });
});

describe('HTTP outcome metrics', () => {
  const event = (httpMethod: string, resource: string) =>
    ({
      httpMethod,
      resource,
      path: resource,
      headers: {},
      body: null,
      requestContext: { requestId: 'api-request-1' },
    }) as unknown as APIGatewayProxyEvent;

  /** Runs a route that answers `status` or throws `error`; returns the metrics it counted. */
  async function outcome(route: string, result: number | Error) {
    const [method = '', path = ''] = route.split(' ');
    const handler = httpHandler({ corsOrigins: [] }, async () => {
      if (result instanceof Error) throw result;
      return { statusCode: result, body: '' };
    });
    await handler(event(method, path), lambdaContext);
    return metrics().map((metric) => metric.name);
  }

  it.each([
    ['POST /auth/login', '200', [METRIC.loginSucceeded], 200],
    [
      'POST /auth/login',
      '401 invalid_credentials',
      [METRIC.loginFailed],
      new InvalidCredentialsError(),
    ],
    ['POST /auth/login', '429 (locked)', [METRIC.loginLockedOut], new TooManyRequestsError(4)],
    ['POST /auth/login', '400', [], new InvalidRequestError('bad')],
    ['POST /auth/password', '429 (locked)', [], new TooManyRequestsError(4)],
    ['POST /auth/register', '201', [METRIC.userRegistered], 201],
    ['POST /auth/refresh', '200', [METRIC.tokenRefreshed], 200],
    [
      'POST /auth/refresh',
      '401 reused',
      [METRIC.refreshReuseDetected],
      new InvalidTokenError('reused'),
    ],
    ['POST /auth/refresh', '401 expired', [], new InvalidTokenError('expired')],
    ['POST /auth/logout', '503', [METRIC.storeUnavailable], new UnavailableError()],
    ['GET /auth/me', '200', [], 200],
    ['POST /auth/mfa/verify', '200', [METRIC.loginSucceeded], 200],
    ['POST /auth/login', '403 mfa_required', [], new MfaRequiredError(`mfa1.${'A'.repeat(43)}`)],
  ] as const)('%s answering %s counts %j', async (route, _answer, expected, result) => {
    expect(await outcome(route, result)).toEqual(expected);
  });
});

describe('revocation metrics', () => {
  it('counts TokenRevoked by reason once per newly revoked token', async () => {
    const store = countingRevocations(memoryRevokedTokenStore());
    const revocation: Revocation = {
      jti: 'jti-1',
      sub: 'user-1',
      sid: 'session-1',
      tokenUse: 'refresh',
      reason: 'reuse_detected',
      expiresAt: 2_000_000_000,
      revokedAt: '2026-01-01T00:00:00.000Z',
    };

    expect(await store.revoke(revocation)).toBe(true);
    expect(await store.revoke({ ...revocation, reason: 'logout' })).toBe(false);

    expect(metrics()).toEqual([emitted(METRIC.tokenRevoked, { reason: 'reuse_detected' })]);
  });
});

describe('log lines', () => {
  it('carry the service, the request id, the X-Ray trace id, the cold start flag and the level', () => {
    const traceId = '1-5759e988-bd862e3fe1be46a994272793';
    process.env._X_AMZN_TRACE_ID = `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`;
    startInvocation(lambdaContext);
    log('info', 'token refused', { reason: 'expired' });
    delete process.env._X_AMZN_TRACE_ID;

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'token refused',
        service: 'serverless-jwt-auth',
        function_request_id: 'request-1',
        xray_trace_id: traceId,
        cold_start: expect.any(Boolean),
        reason: 'expired',
      }),
    ]);
  });

  it('never carry a field named like a secret, at any depth', () => {
    const secrets = ['hunter2-password', 'eyJ.token.signature', '$scrypt$hash', 'Bearer abc'];
    log('error', 'something failed', {
      password: secrets[0],
      refresh_token: secrets[1],
      user: { passwordHash: secrets[2], Authorization: secrets[3] },
      error: new Error('boom'),
    });

    const written = JSON.stringify(lines());
    for (const secret of secrets) expect(written).not.toContain(secret);
    expect(written).toContain('[redacted]');
    expect(written).toContain('boom');
  });

  it('are not written for DEBUG unless the level allows it', () => {
    log('debug', 'details');
    expect(lines()).toEqual([]);
  });

  it('are written for DEBUG in every sampled invocation (sample rate 1)', () => {
    process.env.POWERTOOLS_LOGGER_SAMPLE_RATE = '1';
    jest.isolateModules(() => {
      const fresh: typeof import('../../lambdas/log') = require('../../lambdas/log');
      fresh.startInvocation(lambdaContext);
      fresh.log('debug', 'details');
    });
    delete process.env.POWERTOOLS_LOGGER_SAMPLE_RATE;
    expect(lines()).toContainEqual(expect.objectContaining({ level: 'DEBUG', message: 'details' }));
  });
});
