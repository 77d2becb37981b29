/**
 * The one error middleware: an {@link AuthError} becomes the contract's
 * `{"error", "message"}` with its status; anything else is logged and answered
 * with a generic 500 that reveals nothing. A 429 always carries `Retry-After`.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { MfaRequiredBody } from '../contract/bodies';
import { ERROR_MESSAGES, ERROR_STATUS, INVALID_TOKEN_CHALLENGE } from '../contract/errors';
import { AuthError, InvalidTokenError, MfaRequiredError, TooManyRequestsError } from '../errors';
import { log } from '../log';
import { errorResponse, json } from './responses';

/** Maps one thrown value to its HTTP answer, logging what the client must not see. */
export function toErrorResponse(error: unknown, requestId?: string): APIGatewayProxyResult {
  if (error instanceof AuthError) {
    if (error instanceof InvalidTokenError) {
      log('info', 'token refused', { requestId, reason: error.reason });
      return errorResponse(error.status, error.code, error.message, {
        'WWW-Authenticate': INVALID_TOKEN_CHALLENGE,
      });
    }
    if (error instanceof TooManyRequestsError) {
      log('info', 'request refused', { requestId, code: error.code });
      // Every 429 of the service says when to come back (RFC 9110 §10.2.3), in whole seconds.
      return errorResponse(error.status, error.code, error.message, {
        'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterSeconds))),
      });
    }
    if (error instanceof MfaRequiredError) {
      return json(error.status, {
        error: error.code,
        message: error.message,
        mfa_token: error.mfaToken,
      } satisfies MfaRequiredBody);
    }
    if (error.expose) {
      log('info', 'request refused', { requestId, code: error.code });
      return errorResponse(error.status, error.code, error.message);
    }
    log('error', 'request failed', { requestId, code: error.code, error });
    const message =
      error.code === 'unavailable' ? ERROR_MESSAGES.unavailable : ERROR_MESSAGES.internalError;
    return errorResponse(error.status, error.code, message);
  }
  log('error', 'unexpected error', { requestId, error });
  return errorResponse(ERROR_STATUS.internal_error, 'internal_error', ERROR_MESSAGES.internalError);
}

export function httpErrorHandler(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'httpErrorHandler',
    onError(request) {
      request.response = toErrorResponse(request.error, request.context.awsRequestId);
    },
  };
}
