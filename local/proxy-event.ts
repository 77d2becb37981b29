/**
 * The events and context Lambda receives behind an API Gateway REST API,
 * built for local requests: a REST proxy event for handlers, a TOKEN event
 * for the authorizer, and a minimal Lambda `Context`.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { headerValue } from '../lambdas/http/request';
import type { GatewayRoute } from './routing';

/** The fixed account, API id and stage of the local "deployment". */
export const LOCAL_STAGE = {
  accountId: '000000000000',
  region: 'local',
  apiId: 'local',
  stage: 'local',
};

export interface IncomingRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string | undefined;
  sourceIp: string;
  requestId: string;
  receivedAt: Date;
}

/** `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path without leading slash}`. */
export function methodArn(method: string, path: string): string {
  const { region, accountId, apiId, stage } = LOCAL_STAGE;
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method.toUpperCase()}/${path.replace(/^\//, '')}`;
}

export function tokenAuthorizerEvent(
  authorizationToken: string,
  request: IncomingRequest,
): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn: methodArn(request.method, request.path) };
}

const multiValue = (values: Record<string, string>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [value]]));

const orNull = <T extends object>(value: T): T | null => (Object.keys(value).length ? value : null);

/** The REST proxy event of `request` on `route`, with the authorizer's context where one ran. */
export function proxyEvent(
  request: IncomingRequest,
  route: GatewayRoute,
  pathParameters: Record<string, string>,
  authorizer: Record<string, string> | null,
): APIGatewayProxyEvent {
  const { accountId, apiId, stage } = LOCAL_STAGE;
  const method = request.method.toUpperCase();
  return {
    resource: route.path,
    path: request.path,
    httpMethod: method,
    headers: request.headers,
    multiValueHeaders: multiValue(request.headers),
    queryStringParameters: orNull(request.query),
    multiValueQueryStringParameters: orNull(multiValue(request.query)),
    pathParameters: orNull(pathParameters),
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId,
      apiId,
      authorizer,
      httpMethod: method,
      path: `/${stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: request.requestId,
      requestTime: request.receivedAt.toUTCString(),
      requestTimeEpoch: request.receivedAt.getTime(),
      resourceId: route.id,
      resourcePath: route.path,
      stage,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headerValue(request.headers, 'user-agent') ?? null,
        userArn: null,
      },
    },
  };
}

/** A Lambda `Context` good enough for handlers that only log its request id. */
export function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;
  const { region, accountId } = LOCAL_STAGE;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
