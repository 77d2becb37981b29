/**
 * CORS headers on the handlers' own answers, success and error alike, for the
 * browser origins the stack was configured with (`lambdas/contract/cors.ts`).
 * API Gateway answers the preflight and puts the same headers on its own
 * responses; without these a browser could send a request but not read the
 * answer.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { corsResponseHeaders } from '../contract/cors';
import { headerValue } from './request';

/** Adds the CORS headers for the request's origin; nothing when `origins` is empty. */
export function cors(
  origins: readonly string[],
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const addHeaders = (request: Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    if (origins.length === 0 || !request.response) return;
    request.response.headers = {
      ...request.response.headers,
      ...corsResponseHeaders(origins, headerValue(request.event.headers, 'origin')),
    };
  };
  return { name: 'cors', after: addHeaders, onError: addHeaders };
}
