/**
 * The client-facing side of every error, defined once: the codes of the
 * `{"error", "message"}` body and the fixed messages that the error classes
 * (`lambdas/errors.ts`), the error middleware and the gateway responses all
 * answer with. Plain constants, no schema library: the authorizer's bundle
 * imports this file too.
 */

/** Every `error` code the API answers with, in the order of the docs' error table. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_credentials',
  'invalid_token',
  'forbidden',
  'not_found',
  'username_taken',
  'too_many_requests',
  'internal_error',
  'unavailable',
] as const;

/** The `error` field of every JSON error body. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The fixed messages; a validation failure alone builds its own, naming the field. */
export const ERROR_MESSAGES = {
  invalidRequest: 'The request is invalid.',
  invalidBody: 'The request body is invalid.',
  bodyTooLarge: 'The request body is too large.',
  invalidCredentials: 'Invalid username or password.',
  wrongCurrentPassword: 'The current password is wrong.',
  invalidToken: 'The token is invalid, expired or revoked.',
  forbidden: 'Access to this resource is denied.',
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
