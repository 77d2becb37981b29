/**
 * The four events API Gateway sends a Lambda authorizer, as AWS documents
 * them, and the proxy events the integration then receives with the
 * authorizer's context where API Gateway puts it.
 */
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import type { EventShape, HttpApiV1AuthorizerEvent } from '../../lambdas/http/authorizer-events';

export const SHAPES: readonly EventShape[] = ['rest-token', 'rest-request', 'http-1.0', 'http-2.0'];

const REST_METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/notes';
const HTTP_ROUTE_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:def456/$default/GET/notes';

function restRequestFields(authorization: string | undefined) {
  const headers = authorization === undefined ? {} : { Authorization: authorization };
  return {
    type: 'REQUEST' as const,
    resource: '/notes',
    path: '/notes',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

/** The event of `shape` carrying `authorization` as its `Authorization` header. */
export function authorizerEvent(shape: EventShape, authorization: string | undefined) {
  switch (shape) {
    case 'rest-token':
      return {
        type: 'TOKEN',
        authorizationToken: authorization ?? '',
        methodArn: REST_METHOD_ARN,
      } satisfies APIGatewayTokenAuthorizerEvent;
    case 'rest-request':
      return {
        ...restRequestFields(authorization),
        methodArn: REST_METHOD_ARN,
      } satisfies APIGatewayRequestAuthorizerEvent;
    case 'http-1.0':
      return {
        ...restRequestFields(authorization),
        version: '1.0',
        methodArn: HTTP_ROUTE_ARN,
      } satisfies HttpApiV1AuthorizerEvent;
    case 'http-2.0':
      return {
        version: '2.0',
        type: 'REQUEST',
        routeArn: HTTP_ROUTE_ARN,
        identitySource: authorization === undefined ? [] : [authorization],
        routeKey: 'GET /notes',
        rawPath: '/notes',
        rawQueryString: '',
        cookies: [],
        // Payload 2.0 lower-cases header names.
        headers: authorization === undefined ? {} : { authorization },
        requestContext: {} as APIGatewayRequestAuthorizerEventV2['requestContext'],
      } satisfies APIGatewayRequestAuthorizerEventV2;
  }
}

/**
 * The integration's event behind `shape` once the authorizer allowed with
 * `context`: REST and payload 1.0 put it in `requestContext.authorizer` (REST
 * adds `principalId`), payload 2.0 in `requestContext.authorizer.lambda`.
 */
export function integrationEvent(
  shape: EventShape,
  context: Record<string, unknown>,
  principalId?: string,
): APIGatewayProxyEvent | APIGatewayProxyEventV2 {
  if (shape === 'http-2.0') {
    return {
      requestContext: { authorizer: { lambda: context } },
    } as unknown as APIGatewayProxyEventV2;
  }
  return {
    requestContext: { authorizer: { ...context, principalId, integrationLatency: 12 } },
  } as unknown as APIGatewayProxyEvent;
}
