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
 *
 * A REQUEST event also carries the API's route requirements (its stage
 * variables, `route-requirements.ts`) and the request's route. A token that
 * does not meet the route's is answered, on a REST API, by a policy that
 * denies it explicitly (API Gateway's ACCESS_DENIED: our 403
 * `insufficient_scope`), and on an HTTP API by its refusal (403).
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
import { type RouteRequirements, readRequirements } from '../contract/route-requirements';
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
  /** The API's route requirements (REQUEST events), if it has any. */
  requirements?: RouteRequirements;
  /** The keys the request's route may be required under: `METHOD /resource`, or `ANY /resource`. */
  routes: string[];
  /**
   * Lets the token through, except on the routes of `unmet`, whose
   * requirements it does not meet: a REST policy denies each explicitly (so
   * a cached policy never carries into a stricter route); on an HTTP API,
   * where the route key is part of the cache key, the request's own route
   * decides.
   */
  allow(principalId: string, context: IdentityContext, unmet: string[]): AuthorizerResult;
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

/** The ARN of every request to route `METHOD /path` (`{param}` segments matched by `*`). */
function routeArn(methodArn: string, route: string): string {
  const [method = '', path = ''] = route.split(' ');
  const wildcard = stageWildcardArn(methodArn);
  return `${wildcard.slice(0, -1)}${method === 'ANY' ? '*' : method}${path.replace(/\{[^/]*\}/g, '*')}`;
}

function policy(effect: 'Allow' | 'Deny', methodArn: string, unmet: string[] = []): PolicyDocument {
  const statement = (Effect: 'Allow' | 'Deny', Resource: string) => ({
    Action: 'execute-api:Invoke',
    Effect,
    Resource,
  });
  return {
    Version: '2012-10-17',
    Statement: [
      statement(effect, stageWildcardArn(methodArn)),
      ...unmet.map((route) => statement('Deny', routeArn(methodArn, route))),
    ],
  };
}

/** Exactly this message makes a REST API answer 401 (gateway response UNAUTHORIZED). */
function unauthorized(): never {
  throw new Error('Unauthorized');
}

/** An event answered with an IAM policy: REST TOKEN and REQUEST, HTTP API payload 1.0. */
function policyRequest(
  fields: Record<string, unknown>,
  authorization: string | undefined,
  methodArn: string,
  refuse: () => AuthorizerResult,
): AuthorizerRequest {
  const http = fields.version === '1.0';
  const request: AuthorizerRequest = {
    ...requestRoute(fields),
    authorization,
    allow: (principalId, context, unmet) =>
      http && request.routes.some((route) => unmet.includes(route))
        ? refuse()
        : { principalId, policyDocument: policy('Allow', methodArn, http ? [] : unmet), context },
    refuse,
  };
  return request;
}

/** The route and the requirements of a REQUEST event (none for a TOKEN event). */
function requestRoute(fields: Record<string, unknown>) {
  const requirements = readRequirements(fields.stageVariables as Record<string, string>);
  const routes =
    typeof fields.routeKey === 'string'
      ? [fields.routeKey]
      : [`${fields.httpMethod} ${fields.resource}`, `ANY ${fields.resource}`];
  return { routes, ...(requirements ? { requirements } : {}) };
}

/** Recognises the event's shape; throws for any other event. */
export function readAuthorizerEvent(event: unknown): AuthorizerRequest {
  const fields = Object(event) as Record<string, unknown>;
  const { type, version, methodArn } = fields;
  if (type === 'TOKEN' && typeof methodArn === 'string') {
    return policyRequest(
      {},
      fields.authorizationToken as string | undefined,
      methodArn,
      unauthorized,
    );
  }
  // Any case: payload 2.0 lower-cases header names, REST and 1.0 keep the client's.
  const authorization = Object.entries(Object(fields.headers)).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1] as string | undefined;
  if (type === 'REQUEST' && version === '2.0' && typeof fields.routeArn === 'string') {
    const request: AuthorizerRequest = {
      ...requestRoute(fields),
      authorization,
      allow: (_principalId, context, unmet) => ({
        isAuthorized: !request.routes.some((route) => unmet.includes(route)),
        context,
      }),
      refuse: () => ({ isAuthorized: false }),
    };
    return request;
  }
  if (type === 'REQUEST' && typeof methodArn === 'string') {
    if (version === undefined) {
      return policyRequest(fields, authorization, methodArn, unauthorized);
    }
    // An HTTP API has no 401 of its own for a refused token: an explicit Deny is its 403.
    const deny = () => ({ principalId: 'refused', policyDocument: policy('Deny', methodArn) });
    if (version === '1.0') return policyRequest(fields, authorization, methodArn, deny);
  }
  // No known shape: a deployment fault, answered as a failure (fail closed).
  throw new Error('Unknown event');
}
