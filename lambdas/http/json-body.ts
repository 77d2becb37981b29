/**
 * Reads a JSON request body: at most {@link MAX_BODY_BYTES}, `Content-Type`
 * JSON, well-formed. Every failure is 400 `invalid_request` (the error
 * table of docs/design.md), not the 413/415/422 a generic parser would answer. No body at all is
 * `undefined`: the route's schema decides whether that is allowed.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidRequestError } from '../errors';
import { headerValue } from './request';

/** 16 KiB: far above any request of this API, far below what parsing could cost. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The event after {@link jsonBody}: `jsonBody` is the parsed body. */
export type JsonEvent = APIGatewayProxyEvent & { jsonBody: unknown };

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Parses `event.body` into `event.jsonBody`. */
export function readJsonBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body);
  if (raw.byteLength > MAX_BODY_BYTES) {
    throw new InvalidRequestError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  if (!JSON_MEDIA_TYPE.test(headerValue(event.headers, 'content-type') ?? '')) {
    throw new InvalidRequestError(
      'The request body must be JSON (Content-Type: application/json).',
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
}

export function jsonBody(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'jsonBody',
    before(request) {
      (request.event as JsonEvent).jsonBody = readJsonBody(request.event);
    },
  };
}
