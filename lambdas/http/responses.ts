/** Building API Gateway proxy results: JSON bodies with their content type, or none. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorCode } from '../errors';
import type { TokenPair } from '../tokens/issue';

export const JSON_CONTENT_TYPE = 'application/json';

/** A JSON response; `Content-Type` is always set. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

/** 204: no body, so no content type. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: '' };
}

/** The API's error body, `{"error", "message"}`. */
export function errorResponse(
  statusCode: number,
  error: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return json(statusCode, { error, message }, headers);
}

/** The token body of login and refresh; lifetimes are seconds from issue. */
export function tokenResponse({ access, refresh }: TokenPair): APIGatewayProxyResult {
  return json(
    200,
    {
      access_token: access.token,
      refresh_token: refresh.token,
      token_type: 'Bearer',
      expires_in: access.claims.exp - access.claims.iat,
      refresh_expires_in: refresh.claims.exp - refresh.claims.iat,
    },
    // Tokens must not sit in any cache (RFC 6749 §5.1).
    { 'Cache-Control': 'no-store' },
  );
}
