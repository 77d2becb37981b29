/**
 * What an `Authorization` header must look like before anyone spends an
 * authorizer invocation on it: `Bearer ` and three base64url segments (a JWS
 * in compact form). API Gateway applies it as the TOKEN authorizer's
 * `identityValidationExpression` (a mismatch answers 401 without invoking the
 * authorizer Lambda), and the local gateway applies the same expression. The
 * authorizer still parses and verifies everything; this only turns away
 * headers that cannot be one of our tokens. Written in the regular expression
 * syntax common to Java (API Gateway) and JavaScript: no flags, so the scheme's
 * case-insensitivity (RFC 9110 §11.1) is spelt out letter by letter.
 */

/**
 * Longer than any token this service issues (an access token is about 700
 * characters): the verifier refuses a longer string without reading it.
 */
export const MAX_ISSUED_TOKEN_LENGTH = 4096;

/**
 * The longest token a request body field may carry (refresh, revoke,
 * introspect). A different fact from {@link MAX_ISSUED_TOKEN_LENGTH}: it
 * bounds input, not our tokens, and stays above it so that a token we could
 * never have issued reaches the code that answers for it (RFC 7009: revoking
 * one is still a 200) instead of failing as a malformed request.
 */
export const MAX_TOKEN_FIELD_LENGTH = 2 * MAX_ISSUED_TOKEN_LENGTH;

/** The `identityValidationExpression` of the TOKEN authorizer. */
export const BEARER_HEADER_PATTERN =
  '^[Bb][Ee][Aa][Rr][Ee][Rr] +[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+ *$';

const BEARER_HEADER = new RegExp(BEARER_HEADER_PATTERN);

/** True when `header` could carry a bearer JWT, as API Gateway decides it. */
export function couldBeBearerJwt(header: string): boolean {
  return BEARER_HEADER.test(header);
}

/** The JWT of a header that {@link couldBeBearerJwt}; undefined for any other. */
export function bearerJwtOf(header: string): string | undefined {
  return couldBeBearerJwt(header) ? header.trim().split(/ +/)[1] : undefined;
}
