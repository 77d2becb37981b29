/**
 * The Lambda authorizer, for REST APIs (TOKEN and REQUEST) and HTTP APIs
 * (payload 1.0 and 2.0): one decision, phrased in the event's shape
 * (authorizer-events.ts). A live access token is allowed with its identity as
 * context (identity.ts); any bad token is refused (401 on REST, 403 on an
 * HTTP API); a failure to check revocation, or an event of no known shape, is
 * thrown, which API Gateway answers with a 5xx: nothing is let through. Each
 * outcome is counted the same way in every shape (allowed, denied by reason,
 * failed); see contract/metrics.ts.
 */
import type { Context } from 'aws-lambda';
import { type AuthenticateDeps, authenticateAccessToken } from '../auth/authenticate';
import { METRIC } from '../contract/metrics';
import { DENIED_CONTEXT_KEY, unmetRoutes } from '../contract/route-requirements';
import { InvalidTokenError, UnavailableError } from '../errors';
import { identityContext } from '../identity';
import { log, startInvocation } from '../log';
import { countMetric } from '../metrics';
import {
  type AuthorizerEvent,
  type AuthorizerRequest,
  type AuthorizerResult,
  readAuthorizerEvent,
} from './authorizer-events';
import { parseBearer } from './bearer';

export { stageWildcardArn } from './authorizer-events';

export function createAuthorizer(deps: AuthenticateDeps) {
  return async function authorize(
    event: AuthorizerEvent,
    lambdaContext?: Context,
  ): Promise<AuthorizerResult> {
    startInvocation(lambdaContext);
    let request: AuthorizerRequest | undefined;
    try {
      request = readAuthorizerEvent(event);
      const claims = await authenticateAccessToken(deps, parseBearer(request.authorization));
      const unmet = unmetRoutes(request.requirements, claims.scope, claims.amr);
      const own = request.routes.find((route) => unmet.has(route));
      // Why this route, else the first other one, is refused: a REST API's 403 names it
      // from the context, which a cached policy carries to the other routes.
      const denied = own ? unmet.get(own) : unmet.values().next().value;
      const context = identityContext(claims);
      if (denied) Object.assign(context, { [DENIED_CONTEXT_KEY]: denied });
      if (own) {
        log('info', 'route requirement unmet', { route: own, denied });
        countMetric(METRIC.authorizerDenied, denied);
      } else countMetric(METRIC.authorizerAllowed);
      return request.allow(claims.sub, context, [...unmet.keys()]);
    } catch (error) {
      if (request && error instanceof InvalidTokenError) {
        log('info', 'token refused', { reason: error.reason });
        countMetric(METRIC.authorizerDenied, error.reason);
        return request.refuse();
      }
      // Fail closed: API Gateway answers a throw other than Unauthorized with a 5xx.
      log('error', 'authorizer failed: denying', { error });
      countMetric(METRIC.authorizerFailed);
      if (error instanceof UnavailableError) countMetric(METRIC.storeUnavailable);
      throw new Error('Authorizer failure');
    }
  };
}
