/**
 * CORS headers on the handlers' own answers, success and error alike, for the
 * browser origins the stack was configured with. API Gateway answers the
 * preflight and puts the same headers on its own responses; without these a
 * browser could send a request but not read the answer.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { headerValue } from './request';

/** Which origin to allow for a request from `origin`, if any. */
export function allowedOrigin(
  origins: readonly string[],
  origin: string | undefined,
): string | undefined {
  if (origins.includes('*')) return '*';
  return origin !== undefined && origins.includes(origin) ? origin : undefined;
}

/** Adds `Access-Control-Allow-Origin` for an allowed origin; nothing when `origins` is empty. */
export function cors(
  origins: readonly string[],
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const addHeaders = (request: Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    if (origins.length === 0 || !request.response) return;
    const allow = allowedOrigin(origins, headerValue(request.event, 'origin'));
    request.response.headers = {
      ...request.response.headers,
      // The answer depends on Origin even when it allows none: caches must know.
      ...(origins.includes('*') ? {} : { Vary: 'Origin' }),
      ...(allow
        ? {
            'Access-Control-Allow-Origin': allow,
            // Lets a browser app see why a token was refused.
            'Access-Control-Expose-Headers': 'WWW-Authenticate',
          }
        : {}),
    };
  };
  return { name: 'cors', after: addHeaders, onError: addHeaders };
}
