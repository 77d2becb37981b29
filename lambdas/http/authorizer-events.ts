/**
 * The four events API Gateway sends a Lambda authorizer, and the answer each
 * one expects. The authorizer decides once; this module finds the token in
 * the event and phrases the decision in the event's own shape:
 *
 * | shape | from | allowed | refused | store failure |
 * |---|---|---|---|---|
 * | `rest-token` | REST API, TOKEN authorizer | Allow policy + context | throw `Unauthorized` → our 401 | throw → our 503 |
 * | `rest-request` | REST API, REQUEST authorizer | Allow policy + context | throw `Unauthorized` → our 401 | throw → our 503 |
 * | `http-1.0` | HTTP API, REQUEST, payload 1.0 | Allow policy + context | Deny policy → 403 | throw → 500 |
 * | `http-2.0` | HTTP API, REQUEST, payload 2.0, simple responses | `isAuthorized: true` + context | `isAuthorized: false` → 403 | throw → 500 |
 *
 * An HTTP API has no gateway responses: its 403 and 500 are API Gateway's
 * own, `{"message":"Forbidden"}` and `{"message":"Internal Server Error"}`,
 * without `WWW-Authenticate`.
 */
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
  PolicyDocument,
} from 'aws-lambda';
import type { IdentityContext } from '../identity';

/** An HTTP API's REQUEST event with payload 1.0: REST's REQUEST event plus a version. */
export type HttpApiV1AuthorizerEvent = APIGatewayRequestAuthorizerEvent & { version: '1.0' };

export type AuthorizerEvent =
  | APIGatewayTokenAuthorizerEvent
  | APIGatewayRequestAuthorizerEvent
  | HttpApiV1AuthorizerEvent
  | APIGatewayRequestAuthorizerEventV2;

export type AuthorizerResult =
  | APIGatewayAuthorizerResult
  | APIGatewaySimpleAuthorizerResult
  | APIGatewaySimpleAuthorizerWithContextResult<IdentityContext>;

export type EventShape = 'rest-token' | 'rest-request' | 'http-1.0' | 'http-2.0';

/** An authorizer event, read: its token, and how to answer it in its shape. */
export interface AuthorizerRequest {
  /** The `Authorization` header's value (a TOKEN event's `authorizationToken`), if any. */
  authorization: string | undefined;
  allow(principalId: string, context: IdentityContext): AuthorizerResult;
  /** The answer to a bad or revoked token; on a REST API a throw, which API Gateway answers 401. */
  refuse(): AuthorizerResult;
}

/**
 * The policy covers every method of the stage, not only the request's ARN:
 * with result caching turned on, the cached policy is reused for other routes.
 */
export function stageWildcardArn(methodArn: string): string {
  const [prefix, stage] = methodArn.split('/');
  if (!prefix || !stage) throw new Error(`Method ARN ${methodArn}`);
  return `${prefix}/${stage}/*`;
}

function policy(effect: 'Allow' | 'Deny', methodArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Action: 'execute-api:Invoke', Effect: effect, Resource: stageWildcardArn(methodArn) },
    ],
  };
}

/** Exactly this message makes a REST API answer 401 (gateway response UNAUTHORIZED). */
function unauthorized(): never {
  throw new Error('Unauthorized');
}

/** An event answered with an IAM policy: REST TOKEN and REQUEST, HTTP API payload 1.0. */
function policyRequest(
  authorization: string | undefined,
  methodArn: string,
  refuse: () => AuthorizerResult,
): AuthorizerRequest {
  return {
    authorization,
    allow: (principalId, context) => ({
      principalId,
      policyDocument: policy('Allow', methodArn),
      context,
    }),
    refuse,
  };
}

/** Recognises the event's shape; throws for any other event. */
export function readAuthorizerEvent(event: unknown): AuthorizerRequest {
  const fields = Object(event) as Record<string, unknown>;
  const { type, version, methodArn } = fields;
  if (type === 'TOKEN' && typeof methodArn === 'string') {
    return policyRequest(fields.authorizationToken as string | undefined, methodArn, unauthorized);
  }
  // Any case: payload 2.0 lower-cases header names, REST and 1.0 keep the client's.
  const authorization = Object.entries(Object(fields.headers)).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1] as string | undefined;
  if (type === 'REQUEST' && version === '2.0' && typeof fields.routeArn === 'string') {
    return {
      authorization,
      allow: (_principalId, context) => ({ isAuthorized: true, context }),
      refuse: () => ({ isAuthorized: false }),
    };
  }
  if (type === 'REQUEST' && typeof methodArn === 'string') {
    if (version === undefined) {
      return policyRequest(authorization, methodArn, unauthorized);
    }
    // An HTTP API has no 401 of its own for a refused token: an explicit Deny is its 403.
    const deny = () => ({ principalId: 'refused', policyDocument: policy('Deny', methodArn) });
    if (version === '1.0') return policyRequest(authorization, methodArn, deny);
  }
  // No known shape: a deployment fault, answered as a failure (fail closed).
  throw new Error('Unknown event');
}
