/**
 * The HTTP adapter every route handler is built with: middy with the error
 * middleware outermost, then (for routes with a body) the JSON body reader,
 * then the route's function.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { httpErrorHandler } from './error-handler';
import { type JsonEvent, jsonBody } from './json-body';

export type RouteFunction<E> = (event: E, context: Context) => Promise<APIGatewayProxyResult>;

/** A route without a request body (GET, DELETE, logout-all). */
export function httpHandler(route: RouteFunction<APIGatewayProxyEvent>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrorHandler())
    .handler(route);
}

/** A route with a JSON body, parsed into `event.jsonBody`. */
export function jsonHandler(route: RouteFunction<JsonEvent>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrorHandler())
    .use(jsonBody())
    .handler((event, context) => route(event as JsonEvent, context));
}
