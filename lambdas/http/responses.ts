/**
 * Building API Gateway proxy results: JSON bodies with their content type, or
 * none. Every answer carries the contract's security headers (`nosniff`,
 * `no-store`); a public document overrides `Cache-Control` through `headers`.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorBody, TokensBody } from '../contract/bodies';
import { SECURITY_HEADERS } from '../contract/headers';
import type { ErrorCode } from '../errors';
import type { TokenPair } from '../tokens/issue';

export const JSON_CONTENT_TYPE = 'application/json';

/** A JSON response; `Content-Type` and the security headers are always set. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** 204: no body, so no content type. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...SECURITY_HEADERS }, body: '' };
}

/** The contract's error body. */
export function errorResponse(
  statusCode: number,
  error: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return json(statusCode, { error, message } satisfies ErrorBody, headers);
}

/** The token body of login and refresh; lifetimes are seconds from issue. */
export function tokenResponse({ access, refresh }: TokenPair): APIGatewayProxyResult {
  // Tokens must not sit in any cache (RFC 6749 §5.1): the default `no-store` says so.
  return json(200, {
    access_token: access.token,
    refresh_token: refresh.token,
    token_type: 'Bearer',
    expires_in: access.claims.exp - access.claims.iat,
    // Both tokens of a pair have the same `iat` (an opaque refresh token carries none).
    refresh_expires_in: refresh.claims.exp - access.claims.iat,
  } satisfies TokensBody);
}
