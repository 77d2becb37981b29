/**
 * The HTTP adapter every route handler is built with: middy with logging
 * context and outcome metrics outermost, then CORS (its `onError` runs after the error middleware has built the
 * answer), then the error middleware, then (for routes with a body) the JSON
 * body reader, then the route's function. The CORS origins come from the
 * function's configuration (`AppConfig`), read once at cold start.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AppConfig } from '../config';
import { cors } from './cors';
import { httpErrorHandler } from './error-handler';
import { type FormEvent, formBody } from './form-body';
import { type JsonEvent, jsonBody } from './json-body';
import { observability } from './observability';

export type RouteFunction<E> = (event: E, context: Context) => Promise<APIGatewayProxyResult>;

/** What the adapter reads of the function's configuration. */
export type HttpConfig = Pick<AppConfig, 'corsOrigins'>;

function withErrorsAndCors(config: HttpConfig) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(observability())
    .use(cors(config.corsOrigins))
    .use(httpErrorHandler());
}

/** A route without a request body (GET, DELETE, logout-all). */
export function httpHandler(config: HttpConfig, route: RouteFunction<APIGatewayProxyEvent>) {
  return withErrorsAndCors(config).handler(route);
}

/** A route with a JSON body, parsed into `event.jsonBody`. */
export function jsonHandler(config: HttpConfig, route: RouteFunction<JsonEvent>) {
  return withErrorsAndCors(config)
    .use(jsonBody())
    .handler((event, context) => route(event as JsonEvent, context));
}

/** A route with a form-encoded body (the OAuth endpoints), parsed into `event.formBody`. */
export function formHandler(config: HttpConfig, route: RouteFunction<FormEvent>) {
  return withErrorsAndCors(config)
    .use(formBody())
    .handler((event, context) => route(event as FormEvent, context));
}
