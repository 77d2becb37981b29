/**
 * The client's one error hierarchy. Every failure a caller can act on is an
 * {@link AuthClientError} with a `code`: the API's own `error` code when the
 * API answered, or one of the client's codes (`not_authenticated`,
 * `network_error`, `invalid_response`) when it did not.
 */

/** The `error` codes the API answers with (see docs/api.md); others may be added. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'forbidden'
  | 'mfa_required'
  /** A REST API behind the authorizer: the token lacks a scope the route requires. */
  | 'insufficient_scope'
  /** A route that requires MFA, for a session without it: `stepUp(code)`, then try again. */
  | 'insufficient_user_authentication'
  | 'not_found'
  | 'username_taken'
  | 'too_many_requests'
  | 'internal_error'
  | 'unavailable'
  // Any other code a newer API may send, without losing autocompletion of the known ones.
  | (string & {});

/** The codes of failures that happen before or instead of an API answer. */
export type ClientErrorCode = 'not_authenticated' | 'network_error' | 'invalid_response';

/** Base class of everything the client throws on purpose. */
export class AuthClientError extends Error {
  override name = 'AuthClientError';
  constructor(
    readonly code: ApiErrorCode | ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The API answered with an error status: `code` is its `error`, `status` the HTTP status. */
export class ApiError extends AuthClientError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    code: ApiErrorCode,
    message: string,
    /** From `Retry-After` (429, 503): seconds to wait before trying again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}

/**
 * The right password of an account with a second factor (403
 * `mfa_required`): no session yet. Ask the user for a code and call
 * `verifyMfa(error.mfaToken, code)`; the token lasts 5 minutes and 5 codes.
 */
export class MfaRequiredError extends ApiError {
  override name = 'MfaRequiredError';
  constructor(
    message: string,
    /** Opaque: what `verifyMfa` takes with the code. */
    readonly mfaToken: string,
  ) {
    super(403, 'mfa_required', message);
  }
}

/**
 * The refresh token was refused (401 `invalid_token`): the session is over
 * (logged out, revoked from another device, expired, or reused). The client
 * has already forgotten its tokens and emitted `session-ended`; log in again.
 */
export class SessionEndedError extends ApiError {
  override name = 'SessionEndedError';
  constructor(message = 'The session has ended: log in again.') {
    super(401, 'invalid_token', message);
  }
}

/** There are no tokens to send: nobody is logged in with this client. */
export class NotAuthenticatedError extends AuthClientError {
  override name = 'NotAuthenticatedError';
  constructor(message = 'Not logged in.') {
    super('not_authenticated', message);
  }
}

/** The request never got an answer (offline, DNS, connection reset), even after retries. */
export class NetworkError extends AuthClientError {
  override name = 'NetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('network_error', message, options);
  }
}
