/**
 * The outermost middleware of every HTTP handler: it attaches the Lambda
 * context to the logger (request id, cold start, debug sampling) and turns
 * each answer into the route's outcome metric. It runs after the error
 * middleware has built the answer, so it sees both the error and the status.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { METRIC, type MetricName } from '../contract/metrics';
import { AuthError, InvalidCredentialsError, InvalidTokenError, UnavailableError } from '../errors';
import { startInvocation } from '../log';
import { countMetric } from '../metrics';

/**
 * The routes whose answers count, by `METHOD /resource` as API Gateway (and
 * the local server) name them in the event. Not read from the route table,
 * which would put every route's grants into every bundle;
 * test/unit/observability.test.ts checks each against it.
 */
export const COUNTED_ROUTES = {
  login: 'POST /auth/login',
  mfaVerify: 'POST /auth/mfa/verify',
  register: 'POST /auth/register',
  refresh: 'POST /auth/refresh',
} as const;

/** What a successful answer of each route counts: a login with a second factor ends at verify. */
const SUCCESS: Partial<Record<string, MetricName>> = {
  [COUNTED_ROUTES.login]: METRIC.loginSucceeded,
  [COUNTED_ROUTES.mfaVerify]: METRIC.loginSucceeded,
  [COUNTED_ROUTES.register]: METRIC.userRegistered,
  [COUNTED_ROUTES.refresh]: METRIC.tokenRefreshed,
};

/** The metric an error of this route counts, if any. */
function failureMetric(routeId: string | undefined, error: unknown): MetricName | undefined {
  if (error instanceof UnavailableError) return METRIC.storeUnavailable;
  if (routeId === COUNTED_ROUTES.login) {
    if (error instanceof InvalidCredentialsError) return METRIC.loginFailed;
    if (error instanceof AuthError && error.code === 'too_many_requests')
      return METRIC.loginLockedOut;
  }
  if (error instanceof InvalidTokenError && error.reason === 'reused') {
    return METRIC.refreshReuseDetected;
  }
  return undefined;
}

function routeOf(event: APIGatewayProxyEvent | undefined): string | undefined {
  return event ? `${event.httpMethod} ${event.resource}` : undefined;
}

/** Logger context and outcome metrics for one HTTP handler. */
export function observability(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'observability',
    before(request) {
      startInvocation(request.context);
    },
    after(request) {
      const metric = SUCCESS[routeOf(request.event) ?? ''];
      if (metric && (request.response?.statusCode ?? 500) < 400) countMetric(metric);
    },
    onError(request) {
      const metric = failureMetric(routeOf(request.event), request.error);
      if (metric) countMetric(metric);
    },
  };
}
