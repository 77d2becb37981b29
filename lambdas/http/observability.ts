/**
 * The outermost middleware of every HTTP handler: it attaches the Lambda
 * context to the logger (request id, cold start, debug sampling) and turns
 * each answer into the route's outcome metric. It runs after the error
 * middleware has built the answer, so it sees both the error and the status.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { METRIC, type MetricName } from '../contract/metrics';
import { LOGIN_PATH, MFA_VERIFY_PATH, REFRESH_PATH, REGISTER_PATH } from '../contract/routes';
import { AuthError, InvalidCredentialsError, InvalidTokenError, UnavailableError } from '../errors';
import { startInvocation } from '../log';
import { countMetric } from '../metrics';

/**
 * The routes with outcome metrics, by `METHOD /resource` as API Gateway (and
 * the local server) name them in the event; the route table itself stays out
 * of the function bundles.
 */
const ROUTE_IDS = new Map([
  [`POST ${LOGIN_PATH}`, 'Login'],
  [`POST ${REGISTER_PATH}`, 'Register'],
  [`POST ${REFRESH_PATH}`, 'Refresh'],
  [`POST ${MFA_VERIFY_PATH}`, 'MfaVerify'],
]);

/** What a successful answer of each route counts. */
const SUCCESS: Partial<Record<string, MetricName>> = {
  Login: METRIC.loginSucceeded,
  Register: METRIC.userRegistered,
  Refresh: METRIC.tokenRefreshed,
  // A login with a second factor succeeds at its verify.
  MfaVerify: METRIC.loginSucceeded,
};

/** The metric an error of this route counts, if any. */
function failureMetric(routeId: string | undefined, error: unknown): MetricName | undefined {
  if (error instanceof UnavailableError) return METRIC.storeUnavailable;
  if (routeId === 'Login') {
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
  return event ? ROUTE_IDS.get(`${event.httpMethod} ${event.resource}`) : undefined;
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
