/**
 * The client-facing side of every error, defined once: the codes of the
 * `{"error", "message"}` body, the status of each, and the fixed messages that the error classes
 * (`lambdas/errors.ts`), the error middleware and the gateway responses all
 * answer with. Plain constants, no schema library: the authorizer's bundle
 * imports this file too.
 */

/**
 * Every `error` code the API answers with and its one HTTP status, in the
 * order of the docs' error table. The error classes (`lambdas/errors.ts`)
 * and the OpenAPI document (`openapi.ts`) derive their statuses from it.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_grant: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  forbidden: 403,
  mfa_required: 403,
  insufficient_scope: 403,
  insufficient_user_authentication: 403,
  not_found: 404,
  username_taken: 409,
  too_many_requests: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

/** The `error` field of every JSON error body. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every code, in the order of {@link ERROR_STATUS}. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The fixed messages; a validation failure alone builds its own, naming the field. */
export const ERROR_MESSAGES = {
  invalidRequest: 'The request is invalid.',
  invalidBody: 'The request body is invalid.',
  bodyTooLarge: 'The request body is too large.',
  invalidGrant: 'The token is invalid, used or expired.',
  invalidCredentials: 'Invalid username or password.',
  wrongCurrentPassword: 'The current password is wrong.',
  invalidToken: 'The token is invalid, expired or revoked.',
  forbidden: 'Access to this resource is denied.',
  insufficientScope: 'The token lacks a scope this route requires.',
  routeRequirementUnmet: 'The token lacks a scope or the second factor this route requires.',
  noSuchRoute: 'No such route.',
  noSuchSession: 'No such session.',
  usernameTaken: 'That username is taken.',
  tooManyRequests: 'Too many requests; slow down and retry.',
  accountLocked: 'Too many failed attempts for this account; retry later.',
  internalError: 'An unexpected error occurred.',
  unavailable: 'The service is temporarily unavailable.',
} as const;

/** The `WWW-Authenticate` challenge of every `invalid_token` answer (RFC 6750 §3). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * The challenge of an `insufficient_scope` answer (RFC 6750 §3.1), without the
 * `scope` parameter: a gateway response's headers are static or copied from
 * the request, so they cannot name the route's scopes.
 */
export const INSUFFICIENT_SCOPE_CHALLENGE = 'Bearer error="insufficient_scope"';
