/**
 * Reads an `application/x-www-form-urlencoded` request body, the encoding
 * OAuth endpoints take (RFC 6749 §3.2, RFC 7009, RFC 7662). Same limits and
 * same 400 `invalid_request` answers as the JSON reader; a parameter given
 * twice is refused too (RFC 6749 §3.1: parameters must not repeat).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidRequestError } from '../errors';
import { MAX_BODY_BYTES } from './json-body';
import { headerValue } from './request';

/** The event after {@link formBody}: `formBody` maps each parameter to its value. */
export type FormEvent = APIGatewayProxyEvent & { formBody: Record<string, string> };

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** The parameters of `event.body`; no body at all is no parameters. */
export function readFormBody(event: APIGatewayProxyEvent): Record<string, string> {
  if (event.body === null || event.body === undefined || event.body === '') return {};
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body);
  if (raw.byteLength > MAX_BODY_BYTES) {
    throw new InvalidRequestError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  if (!FORM_CONTENT_TYPE.test(headerValue(event.headers, 'content-type') ?? '')) {
    throw new InvalidRequestError(`The request body must be form-encoded (${FORM_MEDIA_TYPE}).`);
  }
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
    if (Object.hasOwn(parameters, name)) {
      throw new InvalidRequestError(`The parameter "${name}" is given more than once.`);
    }
    parameters[name] = value;
  }
  return parameters;
}

export function formBody(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'formBody',
    before(request) {
      (request.event as FormEvent).formBody = readFormBody(request.event);
    },
  };
}
