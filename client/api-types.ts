/**
 * The API's JSON bodies as they travel (snake_case, as in docs/api.md): the
 * client hands them over unchanged, so the documentation of the HTTP API is
 * the documentation of these types. Written out (the client has no
 * dependencies), and checked against the server's schemas
 * (test/unit/client/api-types.test.ts): a drift fails `npm run typecheck`
 * and that test.
 */

/** 200 from `POST /auth/login`, `/auth/refresh`, `/auth/mfa/verify` and `/auth/mfa/step-up`. */
export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  /** Seconds. */
  expires_in: number;
  /** Seconds until the session ends (counted from login; refresh never extends it). */
  refresh_expires_in: number;
}

/** 403 from `POST /auth/login` for an account with a second factor. */
export interface MfaRequiredBody {
  error: 'mfa_required';
  message: string;
  /** Opaque; `POST /auth/mfa/verify` takes it with a code, within 5 minutes and 5 codes. */
  mfa_token: string;
}

/** 201 from `POST /auth/register`. */
export interface RegisteredUser {
  user_id: string;
  username: string;
}

/** 200 from `GET /auth/me`. */
export interface Me {
  user_id: string;
  username: string;
  session_id: string;
  /** ISO 8601: when the access token used expires. */
  expires_at: string;
  /** The account's e-mail address; `null` when it has none. */
  email: string | null;
  /** Whether that address was verified (its link came back). */
  email_verified: boolean;
}

/** 202 of `POST /auth/email`: the address as stored, and whether it is verified. */
export interface EmailState {
  email: string;
  email_verified: boolean;
}

/** The body of `POST /auth/register`; with an `email`, a link to verify it is sent. */
export interface RegisterBody {
  username: string;
  password: string;
  email?: string;
}

/** The body of `POST /auth/login`. */
export interface LoginBody {
  username: string;
  password: string;
}

/** The body of `POST /auth/refresh`. */
export interface RefreshBody {
  refresh_token: string;
}

/** The body of `POST /auth/logout`: the refresh token too, so both die. */
export interface LogoutBody {
  refresh_token?: string;
}

/** The body of `POST /auth/password`. */
export interface ChangePasswordBody {
  current_password: string;
  new_password: string;
}

/** The body of `POST /auth/email`: the new address, and the password again. */
export interface EmailChangeBody {
  email: string;
  current_password: string;
}

/** The body of `POST /auth/email/verify`: the `token` of the verification link. */
export interface EmailVerifyBody {
  token: string;
}

/** The body of `POST /auth/password/forgot`: the account by its username or by its address. */
export type ForgotPasswordBody = { username: string } | { email: string };

/** 202 of `POST /auth/password/forgot`: the same fixed message whatever the account. */
export interface ForgotAccepted {
  message: string;
}

/** The body of `POST /auth/password/reset`. */
export interface ResetPasswordBody {
  /** The `token` of the reset link. */
  token: string;
  new_password: string;
}

/** The body of `POST /auth/mfa/verify`: the login's `mfa_token` and a code (TOTP or recovery). */
export interface MfaVerifyBody {
  mfa_token: string;
  code: string;
}

/** The body of `POST /auth/mfa/totp/confirm` and `POST /auth/mfa/step-up`: a code. */
export interface MfaCodeBody {
  code: string;
}

/** The body of `POST /auth/mfa/totp`: the password again, so a stolen token cannot enrol. */
export interface TotpEnrolmentBody {
  current_password: string;
}

/** The body of `DELETE /auth/mfa/totp`: the password and a code (TOTP or recovery). */
export interface TotpRemovalBody {
  current_password: string;
  code: string;
}

/** 200 of `POST /auth/mfa/totp`: the new secret, shown once; pending until confirmed. */
export interface TotpEnrolment {
  /** Base32 (RFC 4648), for manual entry. */
  secret: string;
  /** `otpauth://totp/…`, for a QR code. */
  otpauth_uri: string;
}

/** 200 of `POST /auth/mfa/totp/confirm`: ten one-time codes, shown once. */
export interface RecoveryCodes {
  recovery_codes: string[];
}

/** One entry of `GET /auth/sessions`. */
export interface SessionInfo {
  session_id: string;
  created_at: string;
  /** `null` until the first refresh. */
  refreshed_at: string | null;
  expires_at: string;
  /** `null` when the login's address or user agent was not known. */
  ip: string | null;
  user_agent: string | null;
  /** The session of the token that asked. */
  current: boolean;
}

/** One page of sessions; `next` is `null` on the last page. */
export interface SessionPage {
  sessions: SessionInfo[];
  /** Pass it back as `next` to get the following page; `null` at the end. */
  next: string | null;
}

/** Every error body: `{error, message}`. */
export interface ErrorBody {
  /** One of the codes of docs/api.md; a string, so a code added later breaks no client. */
  error: string;
  message: string;
}
