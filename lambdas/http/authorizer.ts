/**
 * The API Gateway REST TOKEN authorizer. A live access token gets an Allow
 * policy and its identity as context; any bad token gets `Unauthorized` (the
 * gateway's 401); a failure to check revocation is thrown as itself, which the
 * gateway answers with AUTHORIZER_FAILURE (503): nothing is let through.
 * Each outcome is counted (allowed, denied by reason, failed); see
 * contract/metrics.ts.
 */
import type {
  APIGatewayAuthorizerResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { type AuthenticateDeps, authenticateAccessToken } from '../auth/authenticate';
import { METRIC } from '../contract/metrics';
import { InvalidTokenError, UnavailableError } from '../errors';
import { log, startInvocation } from '../log';
import { countMetric } from '../metrics';
import { parseBearer } from './bearer';

/** What protected handlers find in `event.requestContext.authorizer`. */
export interface AuthorizerContext {
  sub: string;
  sid: string;
  jti: string;
  username: string;
  /** The access token's `exp`. API Gateway passes context values on as strings. */
  exp: number;
}

/**
 * The policy covers every method of the stage, not only `methodArn`: with
 * result caching turned on, the cached policy is reused for other routes.
 */
export function stageWildcardArn(methodArn: string): string {
  const [prefix, stage] = methodArn.split('/');
  if (!prefix || !stage) throw new Error(`Unexpected method ARN: ${methodArn}`);
  return `${prefix}/${stage}/*`;
}

export function createAuthorizer(deps: AuthenticateDeps) {
  return async function authorize(
    event: APIGatewayTokenAuthorizerEvent,
    lambdaContext?: Context,
  ): Promise<APIGatewayAuthorizerResult> {
    startInvocation(lambdaContext);
    try {
      const claims = await authenticateAccessToken(deps, parseBearer(event.authorizationToken));
      const context: AuthorizerContext = {
        sub: claims.sub,
        sid: claims.sid,
        jti: claims.jti,
        username: claims.username,
        exp: claims.exp,
      };
      countMetric(METRIC.authorizerAllowed);
      return {
        principalId: claims.sub,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'execute-api:Invoke',
              Effect: 'Allow',
              Resource: stageWildcardArn(event.methodArn),
            },
          ],
        },
        context: { ...context },
      };
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        log('info', 'token refused', { reason: error.reason });
        countMetric(METRIC.authorizerDenied, error.reason);
        // Exactly this message makes API Gateway answer 401 (UNAUTHORIZED).
        throw new Error('Unauthorized');
      }
      log('error', 'authorizer failed: denying', { error });
      countMetric(METRIC.authorizerFailed);
      if (error instanceof UnavailableError) countMetric(METRIC.storeUnavailable);
      throw new Error('Authorizer failure');
    }
  };
}
