/** The two kinds of token and their claims, exactly as the token table of docs/design.md says. */

export type TokenUse = 'access' | 'refresh';

/**
 * Allowed clock skew between instances, in seconds: the verifier accepts a
 * token up to this long after its `exp`, so every revocation is kept at least
 * this much longer than the token it revokes.
 */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** The JOSE `typ` header of each kind; verification pins it. */
export const TOKEN_TYP = {
  access: 'at+jwt',
  refresh: 'refresh+jwt',
} as const satisfies Record<TokenUse, string>;

interface CommonClaims {
  iss: string;
  aud: string;
  /** Stable user id, not the username. */
  sub: string;
  /** Session id: one login is one session. */
  sid: string;
  /** Random 128-bit token id: the key of a revocation. */
  jti: string;
  iat: number;
  exp: number;
}

export interface AccessTokenClaims extends CommonClaims {
  token_use: 'access';
  username: string;
  /**
   * How the user signed in (RFC 8176): `["pwd"]`, or `["pwd", "otp", "mfa"]`
   * after a TOTP code (`["pwd", "mfa"]` after a recovery code). Absent on
   * tokens issued before it existed: read as `["pwd"]`.
   */
  amr?: string[];
}

export interface RefreshTokenClaims extends CommonClaims {
  token_use: 'refresh';
}

/** What an opaque refresh token says (`opaque-refresh.ts`), once its tag is checked. */
export interface OpaqueRefreshClaims {
  token_use: 'refresh';
  format: 'opaque';
  sub: string;
  sid: string;
  /** The token's reference (SHA-256 of its nonce): what the session stores in place of a `jti`. */
  jti: string;
  /** Epoch seconds: the session's end. */
  exp: number;
}

/** A refresh token as read: a JWT (issued before opaque tokens, or with `refreshTokenFormat=jwt`) or opaque. */
export type PresentedRefreshClaims = RefreshTokenClaims | OpaqueRefreshClaims;

export type ClaimsFor<U extends TokenUse> = U extends 'access'
  ? AccessTokenClaims
  : PresentedRefreshClaims;
