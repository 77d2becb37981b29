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

/**
 * The access-token claims that say what the user may do rather than who it
 * is: resolved from the user at login and again at every refresh, and stored
 * with each rotation so that a grace-window replay signs the same ones. A
 * claim of this kind is one more field here, and travels with the others.
 */
export interface SessionClaims {
  /** The scopes granted, sorted and space-separated (RFC 9068 §2.2.3); `''` for none. */
  scope: string;
  /** The user's roles, sorted (RFC 9068 §2.2.3.1, from RFC 7643). */
  roles: string[];
}

/**
 * `scope`, `roles` and `client_id` are absent on tokens issued before roles
 * existed: such a token holds no scopes.
 */
export interface AccessTokenClaims extends CommonClaims, Partial<SessionClaims> {
  token_use: 'access';
  username: string;
  /** RFC 9068: the client the token was issued to (a configured name). */
  client_id?: string;
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
