/**
 * The one error middleware: an {@link AuthError} becomes the API's
 * `{"error", "message"}` with its status; anything else is logged and answered
 * with a generic 500 that reveals nothing.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { INVALID_TOKEN_CHALLENGE } from '../contract/gateway-responses';
import { AuthError, InvalidTokenError } from '../errors';
import { log } from '../log';
import { errorResponse } from './responses';

const GENERIC_MESSAGES = {
  internal_error: 'An unexpected error occurred.',
  unavailable: 'The service is temporarily unavailable.',
} as const;

/** Maps one thrown value to its HTTP answer, logging what the client must not see. */
export function toErrorResponse(error: unknown, requestId?: string): APIGatewayProxyResult {
  if (error instanceof AuthError) {
    if (error instanceof InvalidTokenError) {
      log('info', 'token refused', { requestId, reason: error.reason });
      return errorResponse(error.status, error.code, error.message, {
        'WWW-Authenticate': INVALID_TOKEN_CHALLENGE,
      });
    }
    if (error.expose) {
      log('info', 'request refused', { requestId, code: error.code });
      return errorResponse(error.status, error.code, error.message);
    }
    log('error', 'request failed', { requestId, code: error.code, error });
    const message =
      error.code === 'unavailable' ? GENERIC_MESSAGES.unavailable : GENERIC_MESSAGES.internal_error;
    return errorResponse(error.status, error.code, message);
  }
  log('error', 'unexpected error', { requestId, error });
  return errorResponse(500, 'internal_error', GENERIC_MESSAGES.internal_error);
}

export function httpErrorHandler(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'httpErrorHandler',
    onError(request) {
      request.response = toErrorResponse(request.error, request.context.awsRequestId);
    },
  };
}
