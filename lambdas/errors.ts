/**
 * The project's one error hierarchy. Every error that may reach a client is an
 * {@link AuthError} with a stable `code` (the error table of docs/design.md) and
 * an HTTP `status`; anything else is unexpected and becomes a generic 500.
 * Codes and fixed messages are the contract's (`contract/errors.ts`).
 */
import { ERROR_MESSAGES, ERROR_STATUS, type ErrorCode } from './contract/errors';

export type { ErrorCode };

export abstract class AuthError extends Error {
  abstract readonly code: ErrorCode;

  /** The code's one status (`ERROR_STATUS`). */
  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** Client errors carry a message meant for the client; server errors never do. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** 400: malformed JSON, a missing or ill-typed field, a body too large. */
export class InvalidRequestError extends AuthError {
  readonly code = 'invalid_request';
  override readonly name = 'InvalidRequestError';
}

/**
 * 400 `invalid_grant` (OAuth's code for a bad grant): a verification or
 * reset token that is unknown, used, superseded or expired. It changes nothing.
 */
export class InvalidGrantError extends AuthError {
  readonly code = 'invalid_grant';
  override readonly name = 'InvalidGrantError';

  constructor(message: string = ERROR_MESSAGES.invalidGrant) {
    super(message);
  }
}

/** 401 without `WWW-Authenticate`: unknown user, wrong password. */
export class InvalidCredentialsError extends AuthError {
  readonly code = 'invalid_credentials';
  override readonly name = 'InvalidCredentialsError';

  constructor(message: string = ERROR_MESSAGES.invalidCredentials) {
    super(message);
  }
}

/**
 * Why a token was refused. Stable, so callers and logs can switch on it;
 * clients only ever see `invalid_token`.
 */
export type TokenFailure =
  | 'missing'
  | 'malformed'
  | 'bad_algorithm'
  | 'bad_signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_type'
  | 'claim_invalid'
  | 'revoked'
  | 'reused'
  | 'session_ended';

/** 401 with `WWW-Authenticate: Bearer error="invalid_token"`. */
export class InvalidTokenError extends AuthError {
  readonly code = 'invalid_token';
  override readonly name = 'InvalidTokenError';

  constructor(
    readonly reason: TokenFailure,
    message: string = ERROR_MESSAGES.invalidToken,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 404: unknown route, or a session that is not the caller's. */
export class NotFoundError extends AuthError {
  readonly code = 'not_found';
  override readonly name = 'NotFoundError';
}

/** 409: register with a username that already exists. */
export class UsernameTakenError extends AuthError {
  readonly code = 'username_taken';
  override readonly name = 'UsernameTakenError';

  constructor(message: string = ERROR_MESSAGES.usernameTaken) {
    super(message);
  }
}

/**
 * 503: a store or the key service could not be reached. Nothing is let
 * through and nothing is half-written; the client may retry.
 */
export class UnavailableError extends AuthError {
  readonly code = 'unavailable';
  override readonly name = 'UnavailableError';

  constructor(message: string = ERROR_MESSAGES.unavailable, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * 429: too many attempts (an account locked after failed logins). The answer
 * carries `Retry-After` with {@link retryAfterSeconds}.
 */
export class TooManyRequestsError extends AuthError {
  readonly code = 'too_many_requests';
  override readonly name = 'TooManyRequestsError';

  constructor(
    /** Whole seconds until a new attempt may succeed; at least 1. */
    readonly retryAfterSeconds: number,
    message: string = ERROR_MESSAGES.accountLocked,
  ) {
    super(message);
  }
}

/** Kept out of `ERROR_MESSAGES`, which the authorizer bundles whole: only the MFA routes answer them. */
export const MFA_ERROR_MESSAGES = {
  mfaRequired: 'Send a code with this mfa_token to /auth/mfa/verify.',
  wrongCode: 'The code is wrong or was already used.',
  notOn: 'TOTP is not on.',
} as const;

/**
 * 403: the right password of an account with a second factor. The answer
 * carries {@link mfaToken}, which `POST /auth/mfa/verify` takes with a code.
 */
export class MfaRequiredError extends AuthError {
  readonly code = 'mfa_required';
  override readonly name = 'MfaRequiredError';

  constructor(readonly mfaToken: string) {
    super(MFA_ERROR_MESSAGES.mfaRequired);
  }
}
