/**
 * The HTTP adapter every route handler is built with: middy with logging
 * context and outcome metrics outermost, then CORS (its `onError` runs after the error middleware has built the
 * answer), then the error middleware, then (for routes with a body) the JSON
 * body reader, then the route's function.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readCorsOrigins } from '../config';
import { cors } from './cors';
import { httpErrorHandler } from './error-handler';
import { type JsonEvent, jsonBody } from './json-body';
import { observability } from './observability';

export type RouteFunction<E> = (event: E, context: Context) => Promise<APIGatewayProxyResult>;

function withErrorsAndCors() {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(observability())
    .use(cors(readCorsOrigins(process.env)))
    .use(httpErrorHandler());
}

/** A route without a request body (GET, DELETE, logout-all). */
export function httpHandler(route: RouteFunction<APIGatewayProxyEvent>) {
  return withErrorsAndCors().handler(route);
}

/** A route with a JSON body, parsed into `event.jsonBody`. */
export function jsonHandler(route: RouteFunction<JsonEvent>) {
  return withErrorsAndCors()
    .use(jsonBody())
    .handler((event, context) => route(event as JsonEvent, context));
}
