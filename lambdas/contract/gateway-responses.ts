/**
 * What API Gateway itself answers when a request never reaches a handler.
 * The CDK stack installs these as gateway responses; the local server answers
 * with the same status, headers and body. Messages come from `errors.ts`,
 * the headers every answer carries from `headers.ts`.
 */
import {
  ERROR_MESSAGES,
  ERROR_STATUS,
  type ErrorCode,
  INSUFFICIENT_SCOPE_CHALLENGE,
  INVALID_TOKEN_CHALLENGE,
} from './errors';
import { SECURITY_HEADERS } from './headers';
import { DENIED_CONTEXT_KEY } from './route-requirements';

export { INVALID_TOKEN_CHALLENGE };

/** `Retry-After` of API Gateway's own 429 (throttling): a hint, the bucket refills continuously. */
export const THROTTLED_RETRY_AFTER_SECONDS = '1';

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'RESOURCE_NOT_FOUND'
  | 'THROTTLED'
  | 'REQUEST_TOO_LARGE'
  | 'WAF_FILTERED'
  | 'INTEGRATION_FAILURE'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

/** The one reference a gateway response body may hold: the code the authorizer's context names. */
export const DENIED_CODE_REFERENCE = `$context.authorizer.${DENIED_CONTEXT_KEY}`;

export interface GatewayResponseSpec<E extends string = ErrorCode> {
  /** Unset: keep the status API Gateway chose (the DEFAULT_* families). */
  status?: number;
  headers: Record<string, string>;
  body: { error: E; message: string };
}

/** An answer with the code's one status (`ERROR_STATUS`) and the security headers. */
function answer(
  error: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): GatewayResponseSpec {
  return {
    status: ERROR_STATUS[error],
    headers: { ...SECURITY_HEADERS, ...headers },
    body: { error, message },
  };
}

export const GATEWAY_RESPONSES: Record<GatewayResponseType, GatewayResponseSpec> = {
  // The authorizer threw `Unauthorized`, or the Authorization header is missing.
  UNAUTHORIZED: answer('invalid_token', ERROR_MESSAGES.invalidToken, {
    'WWW-Authenticate': INVALID_TOKEN_CHALLENGE,
  }),
  // The authorizer returned a Deny policy. Ours never does, but a custom one might.
  ACCESS_DENIED: answer('forbidden', ERROR_MESSAGES.forbidden),
  // The authorizer failed (the revocation store could not be read): fail closed.
  AUTHORIZER_FAILURE: answer('unavailable', ERROR_MESSAGES.unavailable),
  AUTHORIZER_CONFIGURATION_ERROR: answer('unavailable', ERROR_MESSAGES.unavailable),
  // A REST API answers an unknown route with 403 "Missing Authentication Token".
  MISSING_AUTHENTICATION_TOKEN: answer('not_found', ERROR_MESSAGES.noSuchRoute),
  RESOURCE_NOT_FOUND: answer('not_found', ERROR_MESSAGES.noSuchRoute),
  // Stage or method throttling. A token bucket refills continuously: a second is a fair hint,
  // and every 429 of the service says when to retry.
  THROTTLED: answer('too_many_requests', ERROR_MESSAGES.tooManyRequests, {
    'Retry-After': THROTTLED_RETRY_AFTER_SECONDS,
  }),
  REQUEST_TOO_LARGE: answer('invalid_request', ERROR_MESSAGES.bodyTooLarge),
  // The web application firewall's managed rules blocked the request (its
  // rate rule answers 429 with its own body, built from the same messages).
  WAF_FILTERED: answer('forbidden', ERROR_MESSAGES.forbidden),
  // The function could not be invoked, e.g. throttled at its reserved
  // concurrency: temporarily unavailable, not a bug (API Gateway's own default is a bare 5XX).
  INTEGRATION_FAILURE: answer('unavailable', ERROR_MESSAGES.unavailable),
  DEFAULT_4XX: {
    headers: { ...SECURITY_HEADERS },
    body: { error: 'invalid_request', message: ERROR_MESSAGES.invalidRequest },
  },
  DEFAULT_5XX: {
    headers: { ...SECURITY_HEADERS },
    body: { error: 'internal_error', message: ERROR_MESSAGES.internalError },
  },
};

/**
 * The gateway responses of a user's REST API with route requirements: the
 * authorizer's explicit Deny of a route whose scopes the token lacks is
 * API Gateway's ACCESS_DENIED, answered 403 `insufficient_scope` with RFC
 * 6750's challenge. It is the only Deny there (a refused token is a 401), so
 * unlike this service's own API, where ACCESS_DENIED is an IAM route's
 * `forbidden`, nothing else answers it, unless the API has a resource
 * policy of its own.
 */
export const SCOPED_API_GATEWAY_RESPONSES: Record<GatewayResponseType, GatewayResponseSpec> = {
  ...GATEWAY_RESPONSES,
  ACCESS_DENIED: answer('insufficient_scope', ERROR_MESSAGES.insufficientScope, {
    'WWW-Authenticate': INSUFFICIENT_SCOPE_CHALLENGE,
  }),
};

/**
 * The gateway responses of a user's REST API where a route requires a second
 * factor (`mfa`). ACCESS_DENIED then has two reasons, told apart by the code
 * the authorizer's context names (`$context.authorizer.denied`, substituted
 * in the body; gateway response templates are not run through VTL):
 * `insufficient_scope`, or `insufficient_user_authentication` (RFC 9470's
 * code, with 403: a REST authorizer's only 401 is the fixed `invalid_token`).
 * A gateway response's headers are static, so its challenge names no error.
 */
export const MFA_API_GATEWAY_RESPONSES: Record<
  GatewayResponseType,
  GatewayResponseSpec<ErrorCode | typeof DENIED_CODE_REFERENCE>
> = {
  ...GATEWAY_RESPONSES,
  ACCESS_DENIED: {
    status: ERROR_STATUS.insufficient_user_authentication,
    headers: { ...SECURITY_HEADERS, 'WWW-Authenticate': 'Bearer' },
    body: { error: DENIED_CODE_REFERENCE, message: ERROR_MESSAGES.routeRequirementUnmet },
  },
};
